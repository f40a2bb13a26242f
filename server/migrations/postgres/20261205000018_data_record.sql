-- 数据使用记录: an audit entry about a person's data names that person (and the application it
-- was for), so the person can be shown every use of their data, refused attempts included. Both
-- are in the entry's hash when present. Consents say what they were given for and how to
-- withdraw them.
ALTER TABLE audit_log ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN application_id TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_by_subject ON audit_log (subject, id);
ALTER TABLE consents ADD COLUMN kind TEXT NOT NULL DEFAULT 'benefit';
ALTER TABLE consents ADD COLUMN withdraw_json TEXT;
