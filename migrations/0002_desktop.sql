-- Deskbell schema, version 2: what the desktop window needs on top of version 1 — full-text
-- search, ticket tags and canned replies. Never edit once released: add a new numbered file.

-- Full-text search (FTS5). Both indexes are contentless (the text already lives in `tickets`
-- and `messages`) with `contentless_delete`, so triggers can remove a row by its id alone.
-- `remove_diacritics 2`: "jose" finds "José". The triggers fire only when indexed columns
-- change, so status flips and outbox state updates cost nothing here.
CREATE VIRTUAL TABLE tickets_fts USING fts5(
    ticket_id, visitor_name, visitor_email, issue,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, ticket_id, visitor_name, visitor_email, issue)
    VALUES (NEW.id, NEW.ticket_id, NEW.visitor_name, NEW.visitor_email, NEW.issue);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM tickets_fts WHERE rowid = OLD.id;
END;
CREATE TRIGGER tickets_fts_update
AFTER UPDATE OF ticket_id, visitor_name, visitor_email, issue ON tickets BEGIN
    DELETE FROM tickets_fts WHERE rowid = OLD.id;
    INSERT INTO tickets_fts (rowid, ticket_id, visitor_name, visitor_email, issue)
    VALUES (NEW.id, NEW.ticket_id, NEW.visitor_name, NEW.visitor_email, NEW.issue);
END;

-- One document per thread entry: its subject and its full text (the new words when a message
-- has no separate full text).
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, subject, body)
    VALUES (NEW.id, NEW.subject, CASE WHEN NEW.body = '' THEN NEW.text ELSE NEW.body END);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = OLD.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, text, body ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = OLD.id;
    INSERT INTO messages_fts (rowid, subject, body)
    VALUES (NEW.id, NEW.subject, CASE WHEN NEW.body = '' THEN NEW.text ELSE NEW.body END);
END;

-- Rows that existed before this migration.
INSERT INTO tickets_fts (rowid, ticket_id, visitor_name, visitor_email, issue)
    SELECT id, ticket_id, visitor_name, visitor_email, issue FROM tickets;
INSERT INTO messages_fts (rowid, subject, body)
    SELECT id, subject, CASE WHEN body = '' THEN text ELSE body END FROM messages;

-- Tags the owner puts on a ticket: lower case, trimmed, validated in `domain::tags`.
CREATE TABLE ticket_tags (
    ticket  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (ticket, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags (tag);

-- The owner's saved answers ("Thanks, your parcel is on its way …").
CREATE TABLE canned_replies (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
