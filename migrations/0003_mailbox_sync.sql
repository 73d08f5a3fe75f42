-- When each IMAP folder was last known to be in sync. After a UIDVALIDITY change the folder
-- is rescanned from that day on (mail older than that was already imported or was never ours).
ALTER TABLE mailbox_state ADD COLUMN synced_at TEXT;
CREATE INDEX messages_gm_thrid ON messages (gm_thrid) WHERE gm_thrid IS NOT NULL;
