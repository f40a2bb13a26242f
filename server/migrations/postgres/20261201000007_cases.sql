-- Departments own their cases: the catalog's departments, staff in one of them with a role, one
-- case per deciding department of an application, the person's messages, and the outbox of
-- notifications (SMS, host super-apps) delivered in the background.
CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT,
    region_code TEXT NOT NULL,
    phone       TEXT NOT NULL,
    halls_json  TEXT NOT NULL
);

ALTER TABLE staff ADD COLUMN department_id TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk';

CREATE TABLE cases (
    id                      TEXT PRIMARY KEY,
    application_id          TEXT NOT NULL,
    department_id           TEXT NOT NULL,
    receiving_department_id TEXT,
    holder                  TEXT NOT NULL,
    mode                    TEXT,
    matters_json            TEXT NOT NULL,
    answers_json            TEXT NOT NULL,
    status                  TEXT NOT NULL,
    promised_days           BIGINT NOT NULL,
    due_day                 BIGINT,
    due_certainty           TEXT,
    paused_days_left        BIGINT,
    assignee                TEXT,
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);
CREATE INDEX cases_queue ON cases (department_id, status, due_day);
CREATE INDEX cases_received ON cases (receiving_department_id, status, due_day);
CREATE INDEX cases_by_application ON cases (application_id);

ALTER TABLE application_events ADD COLUMN case_id TEXT;
ALTER TABLE application_events ADD COLUMN department_id TEXT;
ALTER TABLE application_events ADD COLUMN reason TEXT;
CREATE INDEX application_events_by_case ON application_events (case_id);

CREATE TABLE messages (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    application_id TEXT,
    kind           TEXT NOT NULL,
    params_json    TEXT NOT NULL,
    at             BIGINT NOT NULL,
    read_at        BIGINT
);
CREATE INDEX messages_by_account ON messages (account_id, at);

CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    template        TEXT NOT NULL,
    params_json     TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT,
    delivered_at    BIGINT,
    given_up_at     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX notifications_due ON notifications (delivered_at, given_up_at, next_attempt_at);
