-- The engine floor for bench/import.sh on PostgreSQL: the server itself
-- turning the baseline's plain table (c1 … c23, the generated file's columns
-- in order) into Onward's rows, as set operations: the file's learners (first
-- row of each), three contact points each, programmes, cohorts and
-- enrolments, into Onward's indexed schema with its foreign keys, in one
-- transaction, with no checks of the values. No client can write these rows
-- faster than this.
BEGIN;
SET LOCAL synchronous_commit = off;
-- Dates are dd/mm/yyyy or yyyy-mm-dd in the generated file.
-- A learner is known by the ULN (c1), or the MIS id (c2) when the ULN is blank.
CREATE TEMP TABLE firsts ON COMMIT DROP AS
  SELECT nextval(pg_get_serial_sequence('learners', 'id')) AS id, d.*
  FROM (SELECT DISTINCT ON (who) coalesce(nullif(c1, ''), 'mis ' || c2) AS who, *
        FROM plain ORDER BY who, ctid) d;
INSERT INTO programmes (organisation_id, title, programme_type, level, sector_subject_area, mode, archived, created_at)
  SELECT 1, c15, 'other', min(c16), min(c17), 'full_time', false, now() FROM plain GROUP BY c15;
INSERT INTO cohorts (organisation_id, name, archived, created_at)
  SELECT DISTINCT 1, c23, false, now() FROM plain;
INSERT INTO learners (id, organisation_id, uln, mis_id, given_name, family_name, search_name, date_of_birth,
                      sex, ethnicity, lldd, free_school_meals, postcode, created_at, updated_at)
  SELECT id, 1, nullif(c1, ''), c2, c3, c4, lower(c4 || ' ' || c3), CASE WHEN c5 LIKE '____-__-__' THEN c5::date ELSE to_date(c5, 'DD/MM/YYYY') END,
         c6, c7, c8, c9 = 'Y', c12, now(), now()
  FROM firsts ORDER BY id;
INSERT INTO contact_points (organisation_id, learner_id, kind, value, consent, valid, created_at)
  SELECT 1, f.id, k.kind, CASE k.kind WHEN 'email' THEN f.c13 WHEN 'mobile' THEN f.c14
                                      ELSE f.c10 || ', ' || f.c11 || ', ' || f.c12 END,
         true, true, now()
  FROM firsts f CROSS JOIN (VALUES ('email'), ('mobile'), ('address')) AS k(kind) ORDER BY f.id;
INSERT INTO enrolments (organisation_id, learner_id, programme_id, cohort_id, start_date, planned_end_date,
                        actual_end_date, completion_status, created_at)
  SELECT 1, f.id, pr.id, c.id, CASE WHEN x.c19 LIKE '____-__-__' THEN x.c19::date ELSE to_date(x.c19, 'DD/MM/YYYY') END, CASE WHEN x.c20 LIKE '____-__-__' THEN x.c20::date ELSE to_date(x.c20, 'DD/MM/YYYY') END,
         CASE WHEN nullif(x.c21, '') LIKE '____-__-__' THEN nullif(x.c21, '')::date ELSE to_date(nullif(x.c21, ''), 'DD/MM/YYYY') END, lower(x.c22), now()
  FROM plain x JOIN firsts f ON f.who = coalesce(nullif(x.c1, ''), 'mis ' || x.c2)
  JOIN programmes pr ON pr.organisation_id = 1 AND pr.title = x.c15
  JOIN cohorts c ON c.organisation_id = 1 AND c.name = x.c23;
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
