-- The provider's account of each consumer (whitepaper 6.6.2): leftover = trial + everything
-- promised - everything consumed. Consumption is written as sessions are metered, in the same
-- transaction as nothing else, so a restart resumes from the last metered cost.
CREATE TABLE consumer_accounts (
  benefiter TEXT NOT NULL,
  issuer TEXT NOT NULL,
  trial TEXT NOT NULL,
  consumed TEXT NOT NULL,
  PRIMARY KEY (benefiter, issuer)
);
