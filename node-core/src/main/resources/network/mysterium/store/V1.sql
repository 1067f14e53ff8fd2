-- The chain follower's cursor and the events it indexed (whitepaper 6.1: every node keeps a local
-- copy of registered identities, proposals and payments). Events are keyed by (block, log index),
-- so re-reading a range never duplicates them; a reorg deletes everything above the common block.
-- uint256 amounts are decimal text: they exceed SQLite's 64-bit integers.

CREATE TABLE chain_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  chain_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  block_hash TEXT NOT NULL
);

-- Hashes of recently processed blocks: where a reorg is detected and how far to rewind.
CREATE TABLE chain_blocks (
  block_number INTEGER PRIMARY KEY,
  block_hash TEXT NOT NULL
);

CREATE TABLE identities (
  address TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  payer TEXT NOT NULL,
  stake TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL
);
CREATE INDEX identities_block ON identities (block_number);

CREATE TABLE announcements (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  provider TEXT NOT NULL,
  serial INTEGER NOT NULL,
  proposal BLOB NOT NULL,
  tx_hash TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX announcements_provider ON announcements (provider, serial);

-- Deposits, clearings, withdrawals and collected fees: balances are summed from these, so a rewind needs no undo.
CREATE TABLE payment_events (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('deposit', 'clearing', 'withdrawal', 'fees')),
  identity TEXT NOT NULL,
  counterparty TEXT NOT NULL,
  serial TEXT, -- the promise serial of a clearing, the nonce of a withdrawal
  amount TEXT NOT NULL,
  paid TEXT NOT NULL,
  fee TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX payment_events_identity ON payment_events (identity);
CREATE INDEX payment_events_counterparty ON payment_events (counterparty);
