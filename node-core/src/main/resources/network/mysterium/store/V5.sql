-- Promises (whitepaper 6.5.3), on both sides. Amounts are decimal MYST base units.

-- The benefiter's (provider's) promises received, per issuer and serial: held until cleared on
-- chain; clearing a serial voids the lower ones of the pair.
CREATE TABLE received_promises (
  benefiter TEXT NOT NULL,
  issuer TEXT NOT NULL,
  serial INTEGER NOT NULL,
  amount TEXT NOT NULL,
  signature BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('HELD', 'CLEARED', 'VOIDED')),
  PRIMARY KEY (benefiter, issuer, serial)
);

-- Per pair on the benefiter's side: the last serial cleared on chain, and the serial the
-- benefiter asked the issuer to stop updating (0: none).
CREATE TABLE promise_issuers (
  benefiter TEXT NOT NULL,
  issuer TEXT NOT NULL,
  last_cleared_serial INTEGER NOT NULL DEFAULT 0,
  frozen_serial INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (benefiter, issuer)
);

-- The issuer's (consumer's) promises, written before they are sent, so a restart resends the
-- same promise rather than a second one.
CREATE TABLE issued_promises (
  issuer TEXT NOT NULL,
  benefiter TEXT NOT NULL,
  serial INTEGER NOT NULL,
  amount TEXT NOT NULL,
  signature BLOB NOT NULL,
  issued_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, benefiter, serial)
);

-- Per pair on the issuer's side: the benefiter asked for a new promise on the next payment.
CREATE TABLE promise_benefiters (
  issuer TEXT NOT NULL,
  benefiter TEXT NOT NULL,
  new_serial_requested INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (issuer, benefiter)
);
