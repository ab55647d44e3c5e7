-- Fangxin gateway schema, version 6: claims that do not grow with the outbox's history.
-- Same portable subset and conventions as V1.

-- Delivered and dead rows are never deleted, so the claim's scan of outbox_due_ix passed over every
-- finished row whose due_at had come: the whole history. finished is TRUE once a row is delivered
-- or dead (set in the statement that sets delivered_at or dead_at; a replay is a new row), and
-- claims scan outbox_claim_ix from (FALSE, oldest due_at): only rows still to deliver. A row whose
-- finished flag were wrongly left FALSE would only be scanned and filtered out, never lost.
ALTER TABLE outbox ADD COLUMN finished BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE outbox SET finished = TRUE WHERE delivered_at IS NOT NULL OR dead_at IS NOT NULL;
CREATE INDEX outbox_claim_ix ON outbox (finished, due_at, id);
