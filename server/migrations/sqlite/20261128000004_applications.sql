-- Drafts as the server keeps them (the ServerDraft state as JSON), and the reply to every change
-- applied, so a repeated change gets the first answer.
CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    form_id    TEXT NOT NULL,
    version    BIGINT NOT NULL,
    state_json TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX drafts_by_owner ON drafts (owner, updated_at);

CREATE TABLE draft_ops (
    op_id       TEXT PRIMARY KEY,
    draft_id    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reply_json  TEXT NOT NULL,
    at          BIGINT NOT NULL
);

-- Submitted applications (办件): one per draft.
CREATE TABLE applications (
    id           TEXT PRIMARY KEY,
    receipt      TEXT NOT NULL UNIQUE,
    owner        TEXT NOT NULL,
    draft_id     TEXT NOT NULL UNIQUE,
    form_id      TEXT NOT NULL,
    answers_json TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX applications_by_owner ON applications (owner, created_at);

CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL,
    at             BIGINT NOT NULL,
    status         TEXT NOT NULL,
    message        TEXT NOT NULL,
    fields_json    TEXT NOT NULL,
    actor          TEXT NOT NULL
);
CREATE INDEX application_events_by_application ON application_events (application_id, id);
