#!/usr/bin/env bash
# Staff pages at scale (issue 13 item 27): builds one organisation of about
# 200,000 learners and a million tasks, serves it with a release build, signs in
# as its administrator and times every staff page against the named baseline
# measured in the same run on the same server: a primary-key page, one
# learner's record (/learners/{id}).
#
# The data set: `onward demo` (two demo organisations with their plans, cohorts
# and destinations), then an import of a generated MIS file (generate.rs,
# 222,222 rows = 200,000 learners in 5 cohorts) into the demo training
# provider, each imported cohort put on the provider's plan, 180 of one
# cohort's learners moved to a cohort of their own (the small cohort), actual
# destinations recorded for half of the imported learners (one in ten NEET),
# and one scheduler pass (`onward worker --once`) to generate the tasks.
#
# For each page: REQUESTS sequential requests (after 3 warm-up ones), stopped
# early after SECONDS seconds; prints p50, p95, the p95 ratio to the baseline's
# p95, and the HTML size. Requests go through curl on one keep-alive connection,
# so every figure includes the same HTTP overhead as the baseline's.
#
#   bench/pages.sh [sqlite|postgres|both] [ROWS] [REQUESTS] [SECONDS]
#   (defaults: both 222222 40 20)
#
# ONWARD_BENCH_KEEP=DIR keeps the data sets (DIR/onward.db, and the PostgreSQL
# database onward_pages_kept) and reuses them on the next run with that DIR,
# skipping the few minutes it takes to build them: for trying a change to a
# query. The figures recorded in README.md come from runs without it.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
rows="${2:-222222}"
requests="${3:-40}"
seconds="${4:-20}"
pg_admin="${ONWARD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
port="${ONWARD_BENCH_PORT:-18437}"

command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
# One build, with --workspace as every other build (features unified, nothing
# compiled twice; the same command as bench/import.sh).
# ONWARD_BENCH_BIN=DIR times the `onward` and `import_csv` binaries in DIR instead (built earlier).
if [ -n "${ONWARD_BENCH_BIN:-}" ]; then
  onward="$ONWARD_BENCH_BIN/onward"
  import_csv="$ONWARD_BENCH_BIN/import_csv"
else
  cargo build --quiet --release --workspace --bin onward --example import_csv
  onward="$CARGO_TARGET_DIR/release/onward"
  import_csv="$CARGO_TARGET_DIR/release/examples/import_csv"
fi
work="$(mktemp -d)"
kept="${ONWARD_BENCH_KEEP:-}"
if [ -n "$kept" ]; then mkdir -p "$kept"; fi
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
file="$work/learners.csv"
"$import_csv" "$rows" > "$file"
org=salt-training
email="admin@salt-training.example"
password="onward-demo-2026"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# sql TEXT: runs TEXT on the current database, printing rows (| separated).
sql() {
  if [ "$backend" = sqlite ]; then
    sqlite3 -batch "$db_file" "$1"
  else
    psql -X -q -A -t -v ON_ERROR_STOP=1 "$url" -c "$1"
  fi
}

build_data() {
  local start
  start=$(now)
  "$onward" demo --no-serve --yes --database-url "$url" > "$work/demo.out"
  "$onward" import learners "$file" --org "$org" --database-url "$url" > "$work/import.out" 2>&1 \
    || { cat "$work/import.out"; exit 1; }
  org_id=$(sql "SELECT id FROM organisations WHERE slug = '$org'")
  # Imported cohorts have no plan: put them on the provider's first plan with checkpoints.
  plan_id=$(sql "SELECT MIN(tracking_plan_id) FROM checkpoints WHERE organisation_id = $org_id")
  sql "UPDATE cohorts SET tracking_plan_id = $plan_id WHERE organisation_id = $org_id AND tracking_plan_id IS NULL"
  big_cohort=$(sql "SELECT cohort_id FROM enrolments WHERE organisation_id = $org_id GROUP BY cohort_id ORDER BY COUNT(*) DESC, cohort_id LIMIT 1")
  sql "INSERT INTO cohorts (organisation_id, name, tracking_plan_id, results_day, archived, created_at)
       SELECT organisation_id, 'Bench small cohort', tracking_plan_id, results_day, archived, created_at FROM cohorts WHERE id = $big_cohort"
  small_cohort=$(sql "SELECT id FROM cohorts WHERE organisation_id = $org_id AND name = 'Bench small cohort'")
  sql "UPDATE enrolments SET cohort_id = $small_cohort WHERE organisation_id = $org_id AND cohort_id = $big_cohort
       AND learner_id IN (SELECT learner_id FROM enrolments WHERE organisation_id = $org_id AND cohort_id = $big_cohort ORDER BY learner_id LIMIT 180)"
  # Actual destinations for half the imported learners, one in ten NEET, copied from demo records.
  local columns="organisation_id, learner_id, kind, category, as_of, source, verification, recorded_at"
  local copied="l.organisation_id, l.id, t.kind, t.category, t.as_of, t.source, t.verification, t.recorded_at"
  sql "INSERT INTO destination_records ($columns) SELECT $copied FROM learners l,
       (SELECT * FROM destination_records WHERE organisation_id = $org_id AND kind = 'actual' AND category NOT LIKE 'neet%' AND category <> 'not_known' ORDER BY id LIMIT 1) t
       WHERE l.organisation_id = $org_id AND l.mis_id LIKE 'G%' AND l.id % 2 = 0"
  sql "INSERT INTO destination_records ($columns) SELECT $copied FROM learners l,
       (SELECT * FROM destination_records WHERE organisation_id = $org_id AND kind = 'actual' AND category LIKE 'neet%' ORDER BY id LIMIT 1) t
       WHERE l.organisation_id = $org_id AND l.mis_id LIKE 'G%' AND l.id % 10 = 1"
  # Recording a destination in Onward keeps the learner's current category
  # (learners.current_category, repo::destinations); these rows came in by SQL, so
  # set it as migration 000702 does for records held before it.
  sql "UPDATE learners SET current_category = (SELECT d.category FROM destination_records d
       WHERE d.organisation_id = learners.organisation_id AND d.learner_id = learners.id AND d.kind = 'actual'
       ORDER BY d.as_of DESC, d.id DESC LIMIT 1) WHERE organisation_id = $org_id"
  # The same for the rows the cohort lists read (cohort_members, kept by
  # repo::cohort_members): the enrolments moved and the records above came in by
  # SQL, so rewrite the organisation's rows as migration 001201 fills them.
  sql "DELETE FROM cohort_members WHERE organisation_id = $org_id"
  sql "INSERT INTO cohort_members (organisation_id, cohort_id, learner_id, search_name, current_category,
       best_offer, flagged, last_start, last_planned_end, last_leaving)
       SELECT e.organisation_id, e.cohort_id, e.learner_id, l.search_name, l.current_category, l.best_offer,
       EXISTS (SELECT 1 FROM support_flags f WHERE f.organisation_id = l.organisation_id AND f.learner_id = l.id
       AND f.cleared_at IS NULL),
       MAX(e.start_date), MAX(e.planned_end_date), MAX(COALESCE(e.actual_end_date, e.planned_end_date))
       FROM enrolments e JOIN learners l ON l.id = e.learner_id AND l.organisation_id = e.organisation_id
       WHERE e.organisation_id = $org_id
       GROUP BY e.organisation_id, e.cohort_id, e.learner_id, l.organisation_id, l.id, l.search_name,
       l.current_category, l.best_offer"
  "$onward" worker --once --database-url "$url" > "$work/worker.out" 2>&1 || { cat "$work/worker.out"; exit 1; }
  # PostgreSQL's autovacuum would analyze these tables soon after; do it now. SQLite keeps no statistics unless asked.
  if [ "$backend" = postgres ]; then sql "VACUUM ANALYZE"; fi
  # Write the loaded data out before timing pages: otherwise the checkpoint of a
  # million freshly written rows lands in the first pages' timings (PostgreSQL's
  # checkpointer, SQLite's WAL), stalls of 0.5-1 s that belong to the load.
  if [ "$backend" = postgres ]; then sql "CHECKPOINT"; else sql "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null; fi
  describe_data
  echo "$backend: data set built in $(secs "$start" "$(now)") s: $(sql "SELECT COUNT(*) FROM learners WHERE organisation_id = $org_id") learners, $(sql "SELECT COUNT(*) FROM tasks WHERE organisation_id = $org_id") tasks, $(sql "SELECT COUNT(*) FROM destination_records WHERE organisation_id = $org_id") destination records; big cohort $(sql "SELECT COUNT(DISTINCT learner_id) FROM enrolments WHERE cohort_id = $big_cohort") learners, small cohort $(sql "SELECT COUNT(DISTINCT learner_id) FROM enrolments WHERE cohort_id = $small_cohort")"
}

# describe_data: finds the organisation, its plan and the two cohorts of the data set.
describe_data() {
  org_id=$(sql "SELECT id FROM organisations WHERE slug = '$org'")
  plan_id=$(sql "SELECT MIN(tracking_plan_id) FROM checkpoints WHERE organisation_id = $org_id")
  small_cohort=$(sql "SELECT id FROM cohorts WHERE organisation_id = $org_id AND name = 'Bench small cohort'")
  big_cohort=$(sql "SELECT cohort_id FROM enrolments WHERE organisation_id = $org_id GROUP BY cohort_id ORDER BY COUNT(*) DESC, cohort_id LIMIT 1")
}

# build_or_reuse: builds the data set, or with ONWARD_BENCH_KEEP finds the one kept.
build_or_reuse() {
  # (sqlite3 would create an empty database file: look for the file first.)
  if [ -n "$kept" ] && { [ "$backend" = postgres ] || [ -s "$db_file" ]; } && [ "$(sql "SELECT COUNT(*) FROM organisations WHERE slug = '$org'" 2>/dev/null || true)" = 1 ]; then
    describe_data
    echo "$backend: reusing the data set kept in $kept"
  else
    build_data
  fi
}

# sign_in EMAIL JAR: signs EMAIL in, keeping the session cookie in JAR.
sign_in() {
  local csrf
  rm -f "$2"
  csrf=$(curl -fs -c "$2" -b "$2" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')
  curl -fs -o /dev/null -c "$2" -b "$2" --data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
    --data-urlencode "password=$password" "http://127.0.0.1:$port/login"
}

serve_and_sign_in() {
  "$onward" serve --database-url "$url" --bind "127.0.0.1:$port" > "$work/serve.out" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    sleep 0.2
  done
  # The administrator sees every page; the progression lead has the plan's tasks in My work.
  sign_in "$email" "$work/admin.jar"
  sign_in "progression.lead@salt-training.example" "$work/lead.jar"
}

stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

# measure [lead:]PATH: leaves p50/p95 (ms), the HTML size (bytes) and the
# number of requests timed in $p50 $p95 $bytes $count.
measure() {
  local path="$1" jar="$work/admin.jar" times status
  case "$path" in lead:*) path="${path#lead:}"; jar="$work/lead.jar" ;; esac
  local target="http://127.0.0.1:$port$path"
  for _ in 1 2 3; do curl -s -o /dev/null -b "$jar" "$target"; done
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' -b "$jar" "$target")
  [ "$status" = 200 ] || { echo "$path answered $status" >&2; head -c 600 "$work/page.html" >&2; exit 1; }
  bytes=$(wc -c < "$work/page.html")
  times="$work/times"
  : > "$times"
  # One curl for the whole series (keep-alive), one timing line per request.
  local urls=()
  for _ in $(seq 1 "$requests"); do urls+=("$target" -o /dev/null -w '%{time_total}\n'); done
  # Line-buffered, so the lines of the requests that finished survive the timeout.
  timeout "$seconds" stdbuf -oL curl -s -b "$jar" "${urls[@]}" > "$times" || true
  local n
  n=$(wc -l < "$times")
  [ "$n" -gt 0 ] || { echo "$path: no request finished within $seconds s" >&2; p50=NA; p95=NA; return; }
  p50=$(sort -n "$times" | awk '{ a[NR] = $1 } END { i = int(NR * 0.50 + 0.999); if (i < 1) i = 1; printf "%.1f", a[i] * 1000 }')
  p95=$(sort -n "$times" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.999); if (i < 1) i = 1; printf "%.1f", a[i] * 1000 }')
  count=$n
}

run_pages() {
  local learner checkpoint plan run
  learner=$(sql "SELECT MIN(learner_id) FROM enrolments WHERE cohort_id = $big_cohort")
  checkpoint=$(sql "SELECT MIN(id) FROM checkpoints WHERE tracking_plan_id = $plan_id AND channels LIKE '%phone%'")
  run=$(sql "SELECT MAX(id) FROM import_runs WHERE organisation_id = $org_id")
  local pages=(
    "/learners/$learner"
    "/"
    "/cohorts/$big_cohort"
    "/cohorts/$small_cohort"
    "/cohorts/$big_cohort/unknowns"
    "/cohorts/$big_cohort/unknowns?page=400"
    "/cohorts/$small_cohort/unknowns"
    "/cohorts/$big_cohort/at-risk"
    "/cohorts/$small_cohort/at-risk"
    "/cohorts/$big_cohort/guarantee"
    "/cohorts/$small_cohort/guarantee"
    "/learners"
    "/learners?q=smi"
    "/learners?cohort=$small_cohort"
    "/learners?cohort=$big_cohort"
    "/work"
    "lead:/work"
    "lead:/calls/$checkpoint"
    "lead:/calls/$checkpoint?cohort=$small_cohort"
    "lead:/calls/$checkpoint?cohort=$big_cohort"
    "/programmes"
    "/plans"
    "/plans/$plan_id"
    "/imports"
    "/imports/runs/$run"
    "/users"
    "/settings"
    "/learners/$learner/edit"
  )
  local base_p95=""
  printf '| %s page | p50 ms | p95 ms | × baseline p95 | HTML kB | requests |\n|---|---|---|---|---|---|\n' "$backend"
  for path in "${pages[@]}"; do
    measure "$path"
    if [ -z "$base_p95" ]; then base_p95=$p95; label="baseline: $path"; else label="$path"; fi
    ratio=$(awk -v a="$p95" -v b="$base_p95" 'BEGIN { if (a == "NA") print "NA"; else printf "%.1f", a / b }')
    kb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')
    printf '| `%s` | %s | %s | %s | %s | %s |\n' "$label" "$p50" "$p95" "$ratio" "$kb" "$count"
  done
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  backend=sqlite
  db_file="${kept:-$work}/onward.db"
  url="sqlite://$db_file?mode=rwc"
  build_or_reuse
  serve_and_sign_in
  run_pages
  stop_server
fi

if [ "$which" = postgres ] || [ "$which" = both ]; then
  backend=postgres
  if [ -n "$kept" ]; then db=onward_pages_kept; else db="onward_pages_$$"; fi
  url="${pg_admin%/*}/$db"
  if [ -z "$kept" ] || ! psql -q "$url" -c "SELECT 1" >/dev/null 2>&1; then
    psql -q "$pg_admin" -c "CREATE DATABASE $db"
  fi
  build_or_reuse
  serve_and_sign_in
  run_pages
  stop_server
  if [ -z "$kept" ]; then psql -q "$pg_admin" -c "DROP DATABASE $db"; fi
fi
