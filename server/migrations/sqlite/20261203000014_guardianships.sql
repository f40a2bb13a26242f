-- Guardians (监护): a parent declares a minor child; staff in a hall, having seen the household
-- register, confirm it; it then acts like an accepted mandate (the child's account as grantor,
-- the parent as agent) until the day before the child turns 18. A child without an account of
-- their own gets one that cannot log in (its phone column holds `minor:<id>`, never a number).
ALTER TABLE mandates ADD COLUMN kind TEXT NOT NULL DEFAULT 'family';
ALTER TABLE mandates ADD COLUMN hall_code TEXT;
ALTER TABLE mandates ADD COLUMN confirmed_by TEXT;
CREATE UNIQUE INDEX mandates_by_hall_code ON mandates (hall_code);
