-- The catalog's matters (政务服务事项), as listed.
CREATE TABLE matters (
    code          TEXT PRIMARY KEY NOT NULL,
    name_zh       TEXT NOT NULL,
    name_en       TEXT,
    department_zh TEXT NOT NULL,
    department_en TEXT,
    region_code   TEXT NOT NULL,
    matter_type   TEXT NOT NULL,
    audience      TEXT NOT NULL,
    fully_online  INTEGER NOT NULL DEFAULT 0,
    visits_needed INTEGER NOT NULL DEFAULT 1,
    promised_days INTEGER NOT NULL DEFAULT 0,
    popularity    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX matters_by_popularity ON matters (popularity DESC, code);
