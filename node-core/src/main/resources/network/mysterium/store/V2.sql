-- The consumer's index of service proposals (whitepaper 6.4), derived from the announcements
-- table: verified proposals, the newest serial per provider, and what was dropped and why.
-- Prices are 78-digit zero-padded decimal text, so sorting the text sorts the amounts exactly.

CREATE TABLE proposals (
  provider TEXT NOT NULL,
  serial INTEGER NOT NULL,
  service_type TEXT NOT NULL,
  provided_country TEXT NOT NULL,
  provided_asn INTEGER NOT NULL,
  origin_country TEXT NOT NULL,
  origin_asn INTEGER NOT NULL,
  bandwidth_kbps INTEGER NOT NULL,
  metering TEXT NOT NULL,
  price TEXT NOT NULL,
  proposal BLOB NOT NULL,
  announced_block INTEGER NOT NULL,
  -- one current proposal per provider and service type: a higher serial supersedes the older
  PRIMARY KEY (provider, service_type)
);
CREATE INDEX proposals_by_country ON proposals (provided_country, service_type, price);
CREATE INDEX proposals_by_price ON proposals (service_type, price);

-- The announcement (block, log index) up to which proposals are derived.
CREATE TABLE proposal_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL
);

CREATE TABLE proposal_rejections (
  reason TEXT PRIMARY KEY,
  count INTEGER NOT NULL
);

CREATE TABLE preferred_providers (
  provider TEXT PRIMARY KEY
);
