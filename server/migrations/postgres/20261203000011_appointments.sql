-- Halls as the catalog publishes them (each a JSON document, replaced with the catalog), the
-- places taken in each half-hour slot, and the appointments (预约) people book. A slot's count
-- is raised only while it is below the hall's capacity, in the booking's own transaction, so
-- two people never get the last place; one active booking per person, hall and day.
CREATE TABLE halls (
    id        TEXT PRIMARY KEY,
    hall_json TEXT NOT NULL
);

CREATE TABLE slot_counts (
    hall_id      TEXT NOT NULL,
    matter_code  TEXT NOT NULL,
    day          BIGINT NOT NULL,
    start_minute BIGINT NOT NULL,
    booked       BIGINT NOT NULL,
    PRIMARY KEY (hall_id, matter_code, day, start_minute)
);

CREATE TABLE appointments (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    account_id     TEXT NOT NULL,
    hall_id        TEXT NOT NULL,
    matter_code    TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    application_id TEXT,
    day            BIGINT NOT NULL,
    start_minute   BIGINT NOT NULL,
    status         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX appointments_one_a_day ON appointments (account_id, hall_id, day)
    WHERE status IN ('booked', 'arrived');
CREATE INDEX appointments_by_account ON appointments (account_id, day);
CREATE INDEX appointments_by_hall ON appointments (hall_id, day, start_minute);
