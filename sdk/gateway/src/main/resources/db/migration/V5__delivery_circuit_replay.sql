-- Fangxin gateway schema, version 5: the per-endpoint circuit, replays and dead-letter queries.
-- Same portable subset and conventions as V1.

-- The circuit of a merchant's endpoint, shared by every gateway node. consecutive_failures counts
-- failed attempts since the last success; failing_notified_at is set when the endpoint.failing
-- notice of the current streak was enqueued (NULL = not yet); probe_at is when the next half-open
-- probe may be sent while the endpoint is paused.
ALTER TABLE merchant_endpoints ADD COLUMN consecutive_failures INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE merchant_endpoints ADD COLUMN failing_notified_at BIGINT;
ALTER TABLE merchant_endpoints ADD COLUMN probe_at BIGINT;

-- A replayed row is a new outbox row carrying the same webhook_id, event type, payload and target
-- as the row it replays (replay_of, the original's ID), so receivers de-duplicate it.
ALTER TABLE outbox ADD COLUMN replay_of BIGINT;
CREATE INDEX outbox_dead_ix ON outbox (dead_at);
CREATE INDEX outbox_created_ix ON outbox (created_at);
CREATE INDEX outbox_webhook_ix ON outbox (webhook_id);
