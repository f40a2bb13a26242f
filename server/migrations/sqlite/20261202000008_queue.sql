-- The workbench's queue reads a department's open cases oldest due first (those without a date,
-- paused for a supplement, last): one index for the cases it decides, one for those it received
-- for another region, each in the queue's order, holding open cases only.
CREATE INDEX cases_open_deciding ON cases
    (department_id, holder, (COALESCE(due_day, 9000000000)), created_at, id)
    WHERE status NOT IN ('completed', 'rejected');
CREATE INDEX cases_open_receiving ON cases
    (receiving_department_id, (COALESCE(due_day, 9000000000)), created_at, id)
    WHERE status NOT IN ('completed', 'rejected');
