-- Deskbell schema, version 1. Never edit once released: add a new numbered file instead.
-- Instants are RFC 3339 UTC text with milliseconds ("2026-11-23T09:15:02.123Z").

CREATE TABLE sites (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    bot_token   TEXT NOT NULL UNIQUE,
    origins     TEXT NOT NULL DEFAULT '[]',      -- JSON array of "scheme://host[:port]"
    created_at  TEXT NOT NULL
) STRICT;

-- Per-day counter behind TKT-YYYYMMDD-NNNN; bumped in the same transaction as the insert.
CREATE TABLE ticket_days (
    day   TEXT PRIMARY KEY,                      -- YYYYMMDD in the owner's time zone
    last  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
    ticket_id      TEXT NOT NULL UNIQUE,         -- TKT-YYYYMMDD-NNNN
    site_id        INTEGER REFERENCES sites(id) ON DELETE SET NULL,
    channel        TEXT NOT NULL CHECK (channel IN ('web', 'email')),
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
    priority       TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    spam           INTEGER NOT NULL DEFAULT 0 CHECK (spam IN (0, 1)),
    unread         INTEGER NOT NULL DEFAULT 1 CHECK (unread IN (0, 1)),
    visitor_name   TEXT NOT NULL,
    visitor_email  TEXT NOT NULL,
    visitor_phone  TEXT,
    session_id     TEXT,
    issue          TEXT NOT NULL,
    page_url       TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_status_updated ON tickets (status, updated_at);
CREATE INDEX tickets_visitor_email ON tickets (visitor_email COLLATE NOCASE);

-- Same Idempotency-Key from the same site within 24 h answers with the same ticket.
CREATE TABLE idempotency_keys (
    site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    ticket      INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (site_id, key)
) STRICT, WITHOUT ROWID;

-- Every entry of a thread: the visitor's first words, mail in and out, the owner's notes.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    ticket        INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out', 'note')),
    kind          TEXT,                          -- out: notification | confirmation | reply
    message_id    TEXT,                          -- RFC 5322 Message-ID without brackets
    in_reply_to   TEXT,
    refs          TEXT,                          -- References, space separated
    from_addr     TEXT,
    to_addrs      TEXT,
    cc_addrs      TEXT,
    subject       TEXT,
    text          TEXT NOT NULL DEFAULT '',      -- the new content only
    body          TEXT NOT NULL DEFAULT '',      -- the full plain text
    html          TEXT,                          -- sanitised HTML, if any
    raw           BLOB,                          -- the source as received or sent
    raw_sha256    TEXT,
    gm_thrid      TEXT,
    state         TEXT CHECK (state IN ('queued', 'sent', 'failed')),
    error         TEXT,
    at            TEXT NOT NULL
) STRICT;
CREATE INDEX messages_ticket ON messages (ticket, at);
-- Partial: web-form entries have neither, and intake is the hot path.
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX messages_raw_sha256 ON messages (raw_sha256) WHERE raw_sha256 IS NOT NULL;

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    message       INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB NOT NULL
) STRICT;
CREATE INDEX attachments_message ON attachments (message);

-- Mail waiting to be sent; queued in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('notification', 'confirmation', 'reply')),
    ticket           INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    message          INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    message_id       TEXT NOT NULL UNIQUE,       -- reused on every retry
    rcpt             TEXT NOT NULL,              -- the recipient, lower case
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_rcpt ON outbox (kind, rcpt, created_at);

-- Per IMAP folder: where the last sync stopped. Written with the messages it imported.
CREATE TABLE mailbox_state (
    folder       TEXT PRIMARY KEY,
    uidvalidity  INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL
) STRICT;

CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    ticket   INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    detail   TEXT NOT NULL DEFAULT '{}',         -- JSON
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX events_ticket ON events (ticket);
