-- Merge, trash and blocked senders (docs/architecture.md, "Triage").
--
-- `merged_into`: the ticket this one was merged into (its thread moved there). A merged
-- ticket leaves every list but its id still resolves: threading and the CLI follow it to the
-- target. Always one hop: merging a target onward re-points the tickets merged into it.
-- `deleted_at`: in the trash since then (UTC, fixed-width text); restorable until the purge
-- deletes the row 30 days later. NULL = not deleted.
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id) ON DELETE SET NULL;
ALTER TABLE tickets ADD COLUMN deleted_at TEXT;
CREATE INDEX tickets_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX tickets_deleted_at ON tickets (deleted_at) WHERE deleted_at IS NOT NULL;
-- The list sorted by newest created, paged.
CREATE INDEX tickets_created ON tickets (created_at);

-- Senders whose tickets and mail are stored as spam and never notify: a whole address
-- (`ana@example.com`) or a whole domain (`@example.com`), lower case.
CREATE TABLE blocked_senders (
    address     TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
