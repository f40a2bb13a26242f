-- 好差评: one rating per application or hall visit (the `subject`), its comment sealed; a bad
-- rating opens a rectification item (整改) per department involved, with its callback and
-- answer deadlines (calendar days, from the region's working-day rules). The person may rate
-- once more after every department answered: the first level is kept in `first_overall`.
CREATE TABLE evaluations (
    id              TEXT PRIMARY KEY,
    subject         TEXT NOT NULL UNIQUE,
    account_id      TEXT NOT NULL,
    application_id  TEXT,
    appointment_id  TEXT,
    hall_id         TEXT,
    channel         TEXT NOT NULL,
    overall         TEXT NOT NULL,
    indicators_json TEXT NOT NULL,
    comment         TEXT NOT NULL,
    first_overall   TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX evaluations_by_hall ON evaluations (hall_id);

-- Which departments a rating counts for (each department of the application, or the visit's).
CREATE TABLE evaluation_departments (
    evaluation_id TEXT NOT NULL,
    department_id TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, department_id)
);
CREATE INDEX evaluation_departments_by_department ON evaluation_departments (department_id);

CREATE TABLE rectifications (
    id             TEXT PRIMARY KEY,
    evaluation_id  TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    status         TEXT NOT NULL,
    callback_by    BIGINT NOT NULL,
    answer_by      BIGINT NOT NULL,
    callback_note  TEXT,
    called_back_at BIGINT,
    called_back_by TEXT,
    answer         TEXT,
    answered_at    BIGINT,
    answered_by    TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (evaluation_id, department_id)
);
CREATE INDEX rectifications_by_department ON rectifications (department_id, answer_by);
