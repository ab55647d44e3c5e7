-- Fangxin gateway schema, version 10: what the consumer pages (dev.fangxin.gateway.pages) need.
-- Same portable subset and conventions as V1.

-- Photos a consumer attached to a complaint form: JPEG or PNG only, re-encoded by the gateway (no
-- EXIF or other metadata survives), numbered 1.. per case in the order they were sent.
CREATE TABLE case_photos (
    case_id     VARCHAR(64)  NOT NULL REFERENCES cases (id),
    n           INTEGER      NOT NULL,
    media_type  VARCHAR(16)  NOT NULL,
    width       INTEGER      NOT NULL,
    height      INTEGER      NOT NULL,
    content     BYTEA        NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (case_id, n),
    CONSTRAINT case_photos_n_ck CHECK (n >= 1),
    CONSTRAINT case_photos_type_ck CHECK (media_type IN ('image/jpeg', 'image/png'))
);

-- Keys the pages hold: 'csrf' is the 32-byte HMAC key for form tokens, shared by every gateway on
-- this database so a form rendered by one node may be sent to another.
CREATE TABLE page_keys (
    name        VARCHAR(32)  NOT NULL PRIMARY KEY,
    secret      BYTEA        NOT NULL,
    created_at  BIGINT       NOT NULL
);
