-- The sending budget, digests and bounces (docs/architecture.md, "Mail out").
-- SQLite cannot change a CHECK, so the outbox is rebuilt with:
--   kind 'digest'   one mail listing new tickets; ticket is NULL;
--   state 'held'    an owner notification waiting for the next digest;
--   state 'digested' it went out inside the digest `digest`;
--   hold            why a queued mail is held back now (the daily budget), NULL when not;
--   bounced_at      when a bounce for it came back (its address is not written to again
--                   automatically).
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('notification', 'confirmation', 'reply', 'digest')),
    ticket           INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    message          INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    message_id       TEXT NOT NULL UNIQUE,
    rcpt             TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'sent', 'failed', 'held', 'digested')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    hold             TEXT,
    bounced_at       TEXT,
    digest           INTEGER REFERENCES outbox_new(id) ON DELETE SET NULL
) STRICT;
INSERT INTO outbox_new (id, kind, ticket, message, message_id, rcpt, state, attempts,
                        next_attempt_at, last_error, created_at, sent_at)
    SELECT id, kind, ticket, message, message_id, rcpt, state, attempts,
           next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_rcpt ON outbox (kind, rcpt, created_at);
-- How fast automatic mail is queued (the hourly confirmation cap, the digest threshold).
CREATE INDEX outbox_kind_created ON outbox (kind, created_at);
-- The rolling 24 h count of what left.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_bounced ON outbox (rcpt) WHERE bounced_at IS NOT NULL;
CREATE INDEX outbox_held ON outbox (state) WHERE state = 'held';
