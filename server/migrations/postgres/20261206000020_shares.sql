-- 在线分享: a certificate shared with an organisation the person named — the presentation their
-- device made (sealed), behind a one-time code (only its digest kept), until it expires, is
-- opened once, or is taken back. Its id is also the id of the consent receipt it gave.
CREATE TABLE shares (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    code_hash     TEXT NOT NULL UNIQUE,
    organisation  TEXT NOT NULL,
    kind          TEXT,
    claims_json   TEXT NOT NULL,
    presentation  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    opened_at     BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX shares_by_account ON shares (account_id, created_at);
