-- The catalog's matters (政务服务事项), as listed.
CREATE TABLE matters (
    code          TEXT PRIMARY KEY,
    name_zh       TEXT NOT NULL,
    name_en       TEXT,
    department_zh TEXT NOT NULL,
    department_en TEXT,
    region_code   TEXT NOT NULL,
    matter_type   TEXT NOT NULL,
    audience      TEXT NOT NULL,
    fully_online  BIGINT NOT NULL DEFAULT 0,
    visits_needed BIGINT NOT NULL DEFAULT 1,
    promised_days BIGINT NOT NULL DEFAULT 0,
    popularity    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX matters_by_popularity ON matters (popularity DESC, code);
