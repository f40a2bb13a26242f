-- Host super-apps: which host a session was opened through, the host accounts linked to Tongban
-- accounts, and the tickets already used (kept until they would have expired anyway).
ALTER TABLE sessions ADD COLUMN host_id TEXT;

CREATE TABLE host_links (
    host_id      TEXT NOT NULL,
    host_user_id TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (host_id, host_user_id)
);

CREATE TABLE host_tickets (
    host_id    TEXT NOT NULL,
    ticket_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (host_id, ticket_id)
);
CREATE INDEX host_tickets_by_expiry ON host_tickets (expires_at);
