-- Search and pages at 100,000 tickets (benches/list.rs; docs/architecture.md, "Triage").
--
-- One search document per ticket, its rowid the ticket's: the ticket's own fields (and those
-- of every ticket merged into it) in `head`, every thread entry's subject and text in
-- `thread`. A search is then one FTS5 query whose rowids are the tickets — no join through
-- `messages`, no mapping of merged tickets — where the per-message index of migration 0002
-- made a common word cost a lookup per matching message (1.2 s at 300,000 messages).
-- Contentless with `contentless_delete`, so the triggers rewrite a document by rowid alone.
-- A thread is rewritten whole when one of its entries changes: threads are short, and the
-- entries of a thread change once (when they arrive) or never.
DROP TRIGGER tickets_fts_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE tickets_fts;
DROP TABLE messages_fts;

CREATE VIRTUAL TABLE ticket_search USING fts5(
    head, thread,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A ticket's document, repeated in each trigger (SQLite has no procedures): `:id` stands for
-- the ticket. Nothing is written for a ticket that no longer exists.
--   INSERT INTO ticket_search (rowid, head, thread)
--   SELECT x.id,
--     (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
--             h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
--     (SELECT group_concat(concat_ws(' ', m.subject,
--             CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
--        FROM messages m WHERE m.ticket = x.id)
--   FROM tickets x WHERE x.id = :id;

CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search (rowid, head, thread)
    VALUES (NEW.id, concat_ws(' ', NEW.ticket_id, NEW.visitor_name, NEW.visitor_email,
        NEW.issue), NULL);
END;

CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search WHERE rowid = OLD.id;
    -- A merged ticket purged with its target's trash: the target (if it stays) forgets it.
    DELETE FROM ticket_search WHERE rowid = OLD.merged_into;
    INSERT INTO ticket_search (rowid, head, thread)
    SELECT x.id,
      (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
              h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
      (SELECT group_concat(concat_ws(' ', m.subject,
              CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
         FROM messages m WHERE m.ticket = x.id)
    FROM tickets x WHERE x.id = OLD.merged_into;
END;

-- Its own fields changed, or it was merged (the target's head now holds its fields).
CREATE TRIGGER ticket_search_update
AFTER UPDATE OF ticket_id, visitor_name, visitor_email, issue, merged_into ON tickets BEGIN
    DELETE FROM ticket_search WHERE rowid IN (NEW.id, NEW.merged_into, OLD.merged_into);
    INSERT INTO ticket_search (rowid, head, thread)
    SELECT x.id,
      (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
              h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
      (SELECT group_concat(concat_ws(' ', m.subject,
              CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
         FROM messages m WHERE m.ticket = x.id)
    FROM tickets x WHERE x.id IN (NEW.id, NEW.merged_into, OLD.merged_into);
END;

CREATE TRIGGER ticket_search_message_insert AFTER INSERT ON messages BEGIN
    DELETE FROM ticket_search WHERE rowid = NEW.ticket;
    INSERT INTO ticket_search (rowid, head, thread)
    SELECT x.id,
      (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
              h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
      (SELECT group_concat(concat_ws(' ', m.subject,
              CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
         FROM messages m WHERE m.ticket = x.id)
    FROM tickets x WHERE x.id = NEW.ticket;
END;

-- Its text changed, or it moved to another ticket (a merge): both threads are rewritten.
CREATE TRIGGER ticket_search_message_update
AFTER UPDATE OF ticket, subject, text, body ON messages BEGIN
    DELETE FROM ticket_search WHERE rowid IN (NEW.ticket, OLD.ticket);
    INSERT INTO ticket_search (rowid, head, thread)
    SELECT x.id,
      (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
              h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
      (SELECT group_concat(concat_ws(' ', m.subject,
              CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
         FROM messages m WHERE m.ticket = x.id)
    FROM tickets x WHERE x.id IN (NEW.ticket, OLD.ticket);
END;

CREATE TRIGGER ticket_search_message_delete AFTER DELETE ON messages BEGIN
    DELETE FROM ticket_search WHERE rowid = OLD.ticket;
    INSERT INTO ticket_search (rowid, head, thread)
    SELECT x.id,
      (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
              h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
      (SELECT group_concat(concat_ws(' ', m.subject,
              CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
         FROM messages m WHERE m.ticket = x.id)
    FROM tickets x WHERE x.id = OLD.ticket;
END;

-- Every ticket that existed before this migration.
INSERT INTO ticket_search (rowid, head, thread)
SELECT x.id,
  (SELECT group_concat(concat_ws(' ', h.ticket_id, h.visitor_name, h.visitor_email,
          h.issue), ' ') FROM tickets h WHERE h.id = x.id OR h.merged_into = x.id),
  (SELECT group_concat(concat_ws(' ', m.subject,
          CASE WHEN m.body = '' THEN m.text ELSE m.body END), ' ')
     FROM messages m WHERE m.ticket = x.id)
FROM tickets x;

-- The pages are cut in Rust from the ids of a view in its order (src/store/page.rs), so the
-- indexes behind the views carry every column a filter or a sort reads: a page never reads
-- a ticket's row but the ones it shows.
DROP INDEX tickets_live_status;
CREATE INDEX tickets_live_status
    ON tickets (status, updated_at, snoozed_until, unread, priority, site_id, created_at)
    WHERE merged_into IS NULL AND deleted_at IS NULL AND spam = 0;
DROP INDEX tickets_live_updated;
CREATE INDEX tickets_live_updated
    ON tickets (updated_at, status, snoozed_until, priority, site_id, created_at)
    WHERE merged_into IS NULL AND deleted_at IS NULL AND spam = 0;
-- The two other sorts, in their order for every live view (a status is a column, not a
-- prefix: the open view is a quarter of the live tickets, so 200 of them are found within
-- the first thousand entries). The list names them (`INDEXED BY`: the planner would rather
-- sort a status's rows) and orders by this CASE word for word (`page::RANK`).
CREATE INDEX tickets_live_created
    ON tickets (created_at, status, snoozed_until, priority, site_id)
    WHERE merged_into IS NULL AND deleted_at IS NULL AND spam = 0;
CREATE INDEX tickets_live_rank
    ON tickets ((CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2
        ELSE 3 END), updated_at DESC, status, snoozed_until, site_id)
    WHERE merged_into IS NULL AND deleted_at IS NULL AND spam = 0;

-- The numbers behind the views and the tray (`listing::counts`) and a view's total under a
-- priority or site filter, kept by triggers: a few rows read instead of every live ticket's
-- index entry (30 ms at 100,000 tickets, on every refresh of the window). One row per
-- combination they tell apart (`site` 0: none). The snoozed tickets, whose state depends on
-- the time, are counted apart from their small index.
CREATE TABLE ticket_counts (
    status    TEXT NOT NULL,
    spam      INTEGER NOT NULL,
    trashed   INTEGER NOT NULL,
    merged    INTEGER NOT NULL,
    unread    INTEGER NOT NULL,
    priority  TEXT NOT NULL,
    site      INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (status, spam, trashed, merged, unread, priority, site)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_counts (status, spam, trashed, merged, unread, priority, site, n)
    VALUES (NEW.status, NEW.spam, NEW.deleted_at IS NOT NULL, NEW.merged_into IS NOT NULL,
        NEW.unread, NEW.priority, coalesce(NEW.site_id, 0), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1
    WHERE status = OLD.status AND spam = OLD.spam AND trashed = (OLD.deleted_at IS NOT NULL)
      AND merged = (OLD.merged_into IS NOT NULL) AND unread = OLD.unread
      AND priority = OLD.priority AND site = coalesce(OLD.site_id, 0);
END;

CREATE TRIGGER ticket_counts_update
AFTER UPDATE OF status, spam, deleted_at, merged_into, unread, priority, site_id ON tickets
WHEN OLD.status IS NOT NEW.status OR OLD.spam IS NOT NEW.spam
  OR (OLD.deleted_at IS NULL) IS NOT (NEW.deleted_at IS NULL)
  OR (OLD.merged_into IS NULL) IS NOT (NEW.merged_into IS NULL)
  OR OLD.unread IS NOT NEW.unread OR OLD.priority IS NOT NEW.priority
  OR OLD.site_id IS NOT NEW.site_id
BEGIN
    UPDATE ticket_counts SET n = n - 1
    WHERE status = OLD.status AND spam = OLD.spam AND trashed = (OLD.deleted_at IS NOT NULL)
      AND merged = (OLD.merged_into IS NOT NULL) AND unread = OLD.unread
      AND priority = OLD.priority AND site = coalesce(OLD.site_id, 0);
    INSERT INTO ticket_counts (status, spam, trashed, merged, unread, priority, site, n)
    VALUES (NEW.status, NEW.spam, NEW.deleted_at IS NOT NULL, NEW.merged_into IS NOT NULL,
        NEW.unread, NEW.priority, coalesce(NEW.site_id, 0), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

INSERT INTO ticket_counts (status, spam, trashed, merged, unread, priority, site, n)
SELECT status, spam, deleted_at IS NOT NULL, merged_into IS NOT NULL, unread, priority,
    coalesce(site_id, 0), count(*)
FROM tickets GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- The snoozed tickets' index holds what `counts` and the Snoozed view read of them (the
-- waker's `min(snoozed_until)` and due list read its first column as before).
DROP INDEX tickets_snoozed_until;
CREATE INDEX tickets_snoozed_until
    ON tickets (snoozed_until, status, spam, merged_into, deleted_at, updated_at, priority,
        site_id)
    WHERE snoozed_until IS NOT NULL;
