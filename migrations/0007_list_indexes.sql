-- The list at 100,000 tickets (benches/list.rs; docs/architecture.md, "Triage").
--
-- Every view but Spam and Trash is over the live tickets — not merged, not in the trash, not
-- spam — so the indexes behind them are partial over exactly that condition, which the
-- list's WHERE repeats word for word (SQLite uses a partial index only when the query implies
-- its condition). `tickets_live_status` serves the status views in activity order and, being
-- covering for them (priority and site filters included), their counts and `counts()`;
-- `tickets_live_updated` the All view. The old
-- (status, updated_at) index is replaced: intake pays for each index on every ticket.
DROP INDEX tickets_status_updated;
CREATE INDEX tickets_live_status
    ON tickets (status, updated_at, snoozed_until, unread, priority, site_id)
    WHERE merged_into IS NULL AND deleted_at IS NULL AND spam = 0;
CREATE INDEX tickets_live_updated ON tickets (updated_at)
    WHERE merged_into IS NULL AND deleted_at IS NULL AND spam = 0;
CREATE INDEX tickets_spam ON tickets (updated_at)
    WHERE spam = 1 AND merged_into IS NULL AND deleted_at IS NULL;
