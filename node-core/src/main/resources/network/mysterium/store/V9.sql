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

-- Whitepaper 6.5.6: an identity whose promise was cleared against its stake is defaulted until it
-- registers again. Both kept as events (rewound with a reorg); registrations from before this
-- version are copied from identities.
CREATE TABLE identity_defaults (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  identity TEXT NOT NULL,
  benefiter TEXT NOT NULL,
  taken TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX identity_defaults_identity ON identity_defaults (identity);
CREATE TABLE registration_events (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  identity TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX registration_events_identity ON registration_events (identity);
INSERT INTO registration_events (block_number, log_index, identity)
  SELECT block_number, log_index, address FROM identities;
-- defaulted now: a default with no registration after it
CREATE VIEW defaulted_identities AS
  SELECT DISTINCT d.identity FROM identity_defaults d WHERE NOT EXISTS (
    SELECT 1 FROM registration_events r WHERE r.identity = d.identity AND (
      r.block_number > d.block_number OR (r.block_number = d.block_number AND r.log_index > d.log_index)));

-- Promises other providers hold uncleared from an issuer, as they reported them (issuer-signed,
-- made out to the reporter): subtracted from the issuer's balance before accepting a promise.
-- A row stops counting once the chain shows its serial (or a higher one) cleared for the pair.
CREATE TABLE shared_exposure (
  issuer TEXT NOT NULL,
  holder TEXT NOT NULL,
  serial INTEGER NOT NULL,
  amount TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, holder, serial)
);
CREATE INDEX shared_exposure_holder ON shared_exposure (holder);
