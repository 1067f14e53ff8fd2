-- The consumer's connection defaults (what a connect uses when it leaves them out), one row.
-- Amounts are decimal text of base units, like everywhere else.
CREATE TABLE consumer_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  payment_step TEXT NOT NULL,
  max_spend TEXT NOT NULL,
  max_spend_per_provider TEXT NOT NULL
);
