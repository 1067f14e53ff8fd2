-- The provider's own proposals (whitepaper 6.4.2): what it offers per service type, under which
-- serial, and when it last announced it, so it re-announces before the proposals expire and
-- keeps the serial rules across restarts.

CREATE TABLE own_proposals (
  service_type TEXT PRIMARY KEY,
  serial INTEGER NOT NULL,
  proposal BLOB NOT NULL,
  announced_block INTEGER
);
