-- The engine floor for bench/import.sh on SQLite: sqlite3 itself turning the
-- plain table of the baseline (attached as `p`) into Onward's rows, as set
-- operations in C: the file's learners (first row of each ULN), three contact
-- points each, programmes, cohorts and enrolments, into Onward's indexed
-- schema, in one transaction, with no checks of the values. No client can
-- write these rows faster than this.
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -196608;
PRAGMA temp_store = MEMORY;
BEGIN IMMEDIATE;
-- A learner is known by the ULN, or the MIS id when the ULN is blank.
CREATE TEMP TABLE firsts AS
  SELECT coalesce(nullif("ULN", ''), 'mis ' || "Learner Ref") AS who, min(rowid) AS id
  FROM p.plain GROUP BY 1;
INSERT INTO programmes (organisation_id, title, programme_type, level, sector_subject_area, mode, archived, created_at)
  SELECT 1, "Course title", 'other', min("Level"), min("SSA"), 'full_time', 0, '2026-11-26T08:00:00+00:00'
  FROM p.plain GROUP BY "Course title";
INSERT INTO cohorts (organisation_id, name, archived, created_at)
  SELECT DISTINCT 1, "Cohort", 0, '2026-11-26T08:00:00+00:00' FROM p.plain;
INSERT INTO learners (id, organisation_id, uln, mis_id, given_name, family_name, search_name, date_of_birth,
                      sex, ethnicity, lldd, free_school_meals, postcode, created_at, updated_at)
  SELECT f.id, 1, nullif(x."ULN", ''), x."Learner Ref", x."Forename", x."Surname", lower(x."Surname" || ' ' || x."Forename"),
         CASE WHEN x."Date of birth" LIKE '____-__-__' THEN x."Date of birth" ELSE substr(x."Date of birth", 7, 4) || '-' || substr(x."Date of birth", 4, 2) || '-' || substr(x."Date of birth", 1, 2) END,
         x."Sex", x."Ethnicity", x."LLDD", x."FSM" = 'Y', x."Postcode",
         '2026-11-26T08:00:00+00:00', '2026-11-26T08:00:00+00:00'
  FROM firsts f JOIN p.plain x ON x.rowid = f.id ORDER BY f.id;
INSERT INTO contact_points (organisation_id, learner_id, kind, value, consent, valid, created_at)
  SELECT 1, f.id, k.kind, CASE k.kind WHEN 'email' THEN x."Email" WHEN 'mobile' THEN x."Mobile"
                                      ELSE x."Address line 1" || ', ' || x."Town" || ', ' || x."Postcode" END,
         1, 1, '2026-11-26T08:00:00+00:00'
  FROM firsts f JOIN p.plain x ON x.rowid = f.id
  CROSS JOIN (SELECT 'email' AS kind UNION ALL SELECT 'mobile' UNION ALL SELECT 'address') k ORDER BY f.id;
INSERT INTO enrolments (organisation_id, learner_id, programme_id, cohort_id, start_date, planned_end_date,
                        actual_end_date, completion_status, created_at)
  SELECT 1, f.id, pr.id, c.id,
         CASE WHEN x."Start date" LIKE '____-__-__' THEN x."Start date" ELSE substr(x."Start date", 7, 4) || '-' || substr(x."Start date", 4, 2) || '-' || substr(x."Start date", 1, 2) END,
         CASE WHEN x."Planned end date" LIKE '____-__-__' THEN x."Planned end date" ELSE substr(x."Planned end date", 7, 4) || '-' || substr(x."Planned end date", 4, 2) || '-' || substr(x."Planned end date", 1, 2) END,
         CASE WHEN NULLIF(x."Actual end date", '') LIKE '____-__-__' THEN NULLIF(x."Actual end date", '') ELSE substr(NULLIF(x."Actual end date", ''), 7, 4) || '-' || substr(NULLIF(x."Actual end date", ''), 4, 2) || '-' || substr(NULLIF(x."Actual end date", ''), 1, 2) END, lower(x."Completion status"), '2026-11-26T08:00:00+00:00'
  FROM p.plain x JOIN firsts f ON f.who = coalesce(nullif(x."ULN", ''), 'mis ' || x."Learner Ref")
  JOIN programmes pr ON pr.organisation_id = 1 AND pr.title = x."Course title"
  JOIN cohorts c ON c.organisation_id = 1 AND c.name = x."Cohort" ORDER BY x.rowid;
-- The rows the cohort lists read (cohort_members, migration 001201), as Onward keeps them.
INSERT INTO cohort_members (organisation_id, cohort_id, learner_id, search_name, current_category, best_offer,
                            flagged, last_start, last_planned_end, last_leaving)
  SELECT e.organisation_id, e.cohort_id, e.learner_id, l.search_name, l.current_category, l.best_offer,
         EXISTS (SELECT 1 FROM support_flags s WHERE s.organisation_id = 1 AND s.learner_id = l.id AND s.cleared_at IS NULL),
         MAX(e.start_date), MAX(e.planned_end_date), MAX(COALESCE(e.actual_end_date, e.planned_end_date))
  FROM enrolments e JOIN learners l ON l.id = e.learner_id AND l.organisation_id = 1
  WHERE e.organisation_id = 1
  GROUP BY e.organisation_id, e.cohort_id, e.learner_id, l.id, l.search_name, l.current_category, l.best_offer;
COMMIT;
