-- 电子证照: each certificate a department issued to a person — its kind, the claims (sealed),
-- its entry in the department's token status list (valid, revoked, suspended), when it was
-- issued and until when it holds. The wallet collects it as an SD-JWT VC bound to a device key.
CREATE TABLE credentials (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    status_idx     BIGINT NOT NULL,
    claims_json    TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'valid',
    issued_at      BIGINT NOT NULL,
    expires_at     BIGINT,
    UNIQUE (department_id, status_idx)
);
CREATE INDEX credentials_by_account ON credentials (account_id, issued_at);
