-- Fangxin gateway schema, version 4: what the persisted case lifecycle needs beyond V2.
-- Same portable subset and conventions as V1.
--
-- cases.state holds the lower-case state name: received, delivered, acknowledged, answered,
-- resolved or escalated. cases.payload holds UTF-8 JSON {"complaint": {...}, "receipt": {...}}:
-- the complaint as filed and the verified receipt summary (never the token itself).
-- cases.idempotency_key holds the lower-case hex SHA-256 of the effective idempotency key, never
-- the key: the consumer's access secret is HMAC-SHA256 keyed with access_salt over that key, so a
-- replay that presents the key can answer with the same secret while the database holds neither.

-- SHA-256 of the request as filed (its canonical form), to tell a replay from a reused key.
ALTER TABLE cases ADD COLUMN idempotency_fingerprint BYTEA;
-- 32 random bytes; see above.
ALTER TABLE cases ADD COLUMN access_salt BYTEA;
-- The amount of a REFUND or PROPOSAL answer, in minor units of response_currency (ISO 4217).
ALTER TABLE cases ADD COLUMN response_amount BIGINT;
ALTER TABLE cases ADD COLUMN response_currency INTEGER;
ALTER TABLE cases ADD CONSTRAINT cases_response_amount_ck CHECK (
    (response_amount IS NULL AND response_currency IS NULL)
    OR (response_amount > 0 AND response_currency IS NOT NULL));
-- The timer query: open cases whose deadline has passed.
CREATE INDEX cases_state_deadline_ix ON cases (state, deadline_at);
