-- People's accounts: the phone they log in with, and how far their identity is verified.
CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    phone       TEXT NOT NULL UNIQUE,
    level       TEXT NOT NULL,
    real_name   TEXT,
    id_number   TEXT UNIQUE,
    created_at  BIGINT NOT NULL,
    verified_at BIGINT
);

-- The one pending login code per phone, hashed; deleted when used.
CREATE TABLE login_codes (
    phone      TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL,
    sent_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Sends and failures counted for rate limits; `subject` is a hashed phone, an IP or a username.
CREATE TABLE auth_attempts (
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX auth_attempts_lookup ON auth_attempts (kind, subject, at);

-- Department staff: a separate role with its own login.
CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    department    TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Sessions of people and staff: only a hash of the token is kept.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    device       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX sessions_by_principal ON sessions (role, principal_id);

-- Authentication events and access to personal data: who, what, when, outcome. Append-only.
CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    outcome TEXT NOT NULL,
    ip      TEXT NOT NULL
);
CREATE INDEX audit_by_actor ON audit_log (actor, at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
