-- Snooze (docs/architecture.md, "Snooze"): an open ticket hidden from the waiting list until
-- `snoozed_until` (UTC, the store's fixed-width text form, so text order is time order).
-- NULL = not snoozed. Only open tickets carry one: closing or marking pending clears it, and
-- the waker clears it when the time comes. The partial index answers "the next wake time"
-- and "which are due" without touching the rest of the table.
ALTER TABLE tickets ADD COLUMN snoozed_until TEXT;
CREATE INDEX tickets_snoozed_until ON tickets (snoozed_until) WHERE snoozed_until IS NOT NULL;
