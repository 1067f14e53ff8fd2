-- The consumer's own record of its sessions, for the user's history: what was used and what it
-- cost, kept after the app closes. Amounts are decimal text of base units, like everywhere else.
CREATE TABLE session_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ended_at INTEGER NOT NULL,
  provider TEXT NOT NULL,
  country TEXT NOT NULL,
  service_type TEXT NOT NULL,
  seconds INTEGER NOT NULL,
  bytes_down INTEGER NOT NULL,
  bytes_up INTEGER NOT NULL,
  cost TEXT NOT NULL
);
