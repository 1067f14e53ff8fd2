-- Proposals keep the signed bytes the chain carried, so a node can hand them to consumers who
-- check the providers' signatures themselves (a trusted node's index queried over a dialogue).
-- The index is derived from the announcements: emptied here, it is rebuilt by the next sync.

ALTER TABLE proposals ADD COLUMN signed BLOB NOT NULL DEFAULT x'';
DELETE FROM proposals;
DELETE FROM proposal_cursor;
