-- 在线咨询: a question about a matter the guide did not answer, as a thread with its
-- department. The posts' texts are sealed (a question may hold personal data). `asked_at` is when
-- the person last asked (the clock for the answer), `answer_by` the last day for it.
CREATE TABLE consultations (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    matter_code    TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    application_id TEXT,
    status         TEXT NOT NULL,
    asked_at       BIGINT NOT NULL,
    answer_by      BIGINT NOT NULL,
    in_faq         BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX consultations_by_department ON consultations (department_id, status, answer_by);
CREATE INDEX consultations_by_account ON consultations (account_id, created_at);

CREATE TABLE consultation_posts (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL,
    author          TEXT NOT NULL,
    staff_id        TEXT,
    text            TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX consultation_posts_by_thread ON consultation_posts (consultation_id, at);

-- FAQ entries staff made from good answers: merged into the matter's guide now, and again into
-- every catalog imported later (a province's import keeps them).
CREATE TABLE faq_additions (
    id              TEXT PRIMARY KEY,
    matter_code     TEXT NOT NULL,
    question_json   TEXT NOT NULL,
    answer_json     TEXT NOT NULL,
    consultation_id TEXT,
    staff_id        TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX faq_additions_by_matter ON faq_additions (matter_code, created_at);
