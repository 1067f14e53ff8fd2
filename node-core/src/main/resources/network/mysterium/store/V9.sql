-- Withdrawal requests (whitepaper 6.5.6: a withdrawal waits a notice, so the providers paid from
-- the account can clear first). Kept as events, like payment_events, so a reorg rewinds them; a
-- request is pending until the Withdrawn event of its nonce (payment_events, kind 'withdrawal').
CREATE TABLE withdrawal_requests (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  identity TEXT NOT NULL,
  recipient TEXT NOT NULL,
  amount TEXT NOT NULL,
  completable_at INTEGER NOT NULL, -- seconds since 1970, the chain's clock
  nonce TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX withdrawal_requests_identity ON withdrawal_requests (identity);
