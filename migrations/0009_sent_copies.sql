-- Copies in Sent (`[mail] save_sent`, `mail::imap::sent_copy`): a mail to a visitor sent while
-- copies are on is marked `due`, and `saved` once a copy is in the `\Sent` folder. Mail sent
-- before this migration has no mark and is never copied.
ALTER TABLE outbox ADD COLUMN sent_copy TEXT CHECK (sent_copy IN ('due', 'saved'));
CREATE INDEX outbox_sent_copy_due ON outbox (id) WHERE sent_copy = 'due';
