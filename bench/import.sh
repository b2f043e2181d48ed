#!/usr/bin/env bash
# Import benchmark (issue 5): `onward import learners` of one generated MIS file
# against the named baselines measured in the same run on the same file:
#   SQLite:     sqlite3's `.import` into a plain table (no indexes, no checks);
#   PostgreSQL: psql's `\copy` into a plain table.
# Also measures the engine floor: the database itself turning the plain table
# into the rows Onward writes (bench/floor-*.sql: set-based INSERT ... SELECT
# into Onward's indexed schema, one transaction, no checks), the least any
# client could spend writing them.
# Prints wall times, the ratios, Onward's peak RSS, and a second (unchanged)
# import that must report 0 changes, with its time against the first import's.
# The bars (issue 13): the first import within 2x the engine floor, the
# unchanged re-import within 0.5x the first import; each line says whether
# they hold, and the script exits 1 when one does not.
#
#   bench/import.sh [ROWS] [sqlite|postgres|both]      (default 1000000 both)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
which="${2:-both}"
pg_admin="${ONWARD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
# One build for both (with --workspace, so features are unified as in every
# other build and nothing is compiled twice). ONWARD_BENCH_PROFILE=debug runs
# an unoptimised build: slower, for a quick look at the ratios only.
profile="${ONWARD_BENCH_PROFILE:-release}"
if [ "$profile" = release ]; then
  cargo build --quiet --release --workspace --bin onward --example import_csv
else
  cargo build --quiet --workspace --bin onward --example import_csv
fi
onward="$CARGO_TARGET_DIR/$profile/onward"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
file="$work/learners.csv"

"$CARGO_TARGET_DIR/$profile/examples/import_csv" "$rows" > "$file"
size=$(du -m "$file" | cut -f1)
columns=$(head -n1 "$file" | tr ',' '\n' | wc -l)
echo "file: $rows rows, $columns columns, ${size} MB"

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# Whether $1 / $2 <= $3; `bar` says "met" or "NOT met".
within() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { exit !(a / b <= c) }'; }
bar() { if within "$@"; then echo "met"; else echo "NOT met"; fi; }
failed=0
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Runs onward with /usr/bin/time; leaves the wall time in $elapsed, peak RSS (MB) in $rss.
timed_import() {
  local start end
  start=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" "$onward" import learners "$file" --org bench "$@" > "$work/out" 2>&1 \
    || { cat "$work/out"; exit 1; }
  end=$(now)
  elapsed=$(secs "$start" "$end")
  rss=$(( $(tail -n1 "$work/rss") / 1024 ))
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  start=$(now)
  sqlite3 "$work/baseline.db" ".mode csv" ".import $file plain"
  end=$(now)
  baseline=$(secs "$start" "$end")
  "$onward" org add bench --name "Bench College" --kind college --database-url "sqlite://$work/floor.db?mode=rwc" >/dev/null
  start=$(now)
  sqlite3 "$work/floor.db" "ATTACH '$work/baseline.db' AS p" ".read bench/floor-sqlite.sql"
  end=$(now)
  floor=$(secs "$start" "$end")
  rm -f "$work"/floor.db* "$work/baseline.db"
  url="sqlite://$work/onward.db?mode=rwc"
  "$onward" org add bench --name "Bench College" --kind college --database-url "$url" >/dev/null
  timed_import --database-url "$url"
  first=$elapsed first_rss=$rss
  grep -E "^Imported" "$work/out" | cut -c1-200
  timed_import --database-url "$url"
  second=$elapsed
  changes=$(grep -c "No changes" "$work/out" || true)
  grep -E "^Imported" "$work/out" | grep -oE "[0-9]+ rows were exactly as last imported" || true
  echo "SQLite: baseline sqlite3 .import ${baseline} s; engine floor ${floor} s (× $(ratio "$floor" "$baseline")); onward import ${first} s (× $(ratio "$first" "$baseline"); × $(ratio "$first" "$floor") the floor), peak RSS ${first_rss} MB; unchanged re-import ${second} s (× $(ratio "$second" "$baseline"); × $(ratio "$second" "$first") the first import), 'No changes' reported: $changes"
  echo "SQLite bars: first import ≤ 2× the floor: $(bar "$first" "$floor" 2); unchanged re-import ≤ 0.5× the first import: $(bar "$second" "$first" 0.5)"
  { within "$first" "$floor" 2 && within "$second" "$first" 0.5; } || failed=1
fi

if [ "$which" = postgres ] || [ "$which" = both ]; then
  base="${pg_admin%/*}"
  db="onward_bench_$$"
  psql -q "$pg_admin" -c "CREATE DATABASE ${db}_plain" -c "CREATE DATABASE ${db}"
  cols=$(head -n1 "$file" | awk -F, '{ for (i = 1; i <= NF; i++) printf "%sc%d text", (i > 1 ? ", " : ""), i }')
  "$onward" org add bench --name "Bench College" --kind college --database-url "$base/${db}_plain" >/dev/null
  psql -q "$base/${db}_plain" -c "CREATE TABLE plain ($cols)"
  start=$(now)
  psql -q "$base/${db}_plain" -c "\\copy plain FROM '$file' WITH (FORMAT csv, HEADER true)"
  end=$(now)
  baseline=$(secs "$start" "$end")
  start=$(now)
  psql -q -v ON_ERROR_STOP=1 "$base/${db}_plain" -f bench/floor-postgres.sql
  end=$(now)
  floor=$(secs "$start" "$end")
  url="$base/$db"
  "$onward" org add bench --name "Bench College" --kind college --database-url "$url" >/dev/null
  timed_import --database-url "$url"
  first=$elapsed first_rss=$rss
  grep -E "^Imported" "$work/out" | cut -c1-200
  timed_import --database-url "$url"
  second=$elapsed
  changes=$(grep -c "No changes" "$work/out" || true)
  psql -q "$pg_admin" -c "DROP DATABASE ${db}_plain" -c "DROP DATABASE ${db}"
  grep -E "^Imported" "$work/out" | grep -oE "[0-9]+ rows were exactly as last imported" || true
  echo "PostgreSQL: baseline psql \\copy ${baseline} s; engine floor ${floor} s (× $(ratio "$floor" "$baseline")); onward import ${first} s (× $(ratio "$first" "$baseline"); × $(ratio "$first" "$floor") the floor), peak RSS ${first_rss} MB; unchanged re-import ${second} s (× $(ratio "$second" "$baseline"); × $(ratio "$second" "$first") the first import), 'No changes' reported: $changes"
  echo "PostgreSQL bars: first import ≤ 2× the floor: $(bar "$first" "$floor" 2); unchanged re-import ≤ 0.5× the first import: $(bar "$second" "$first" 0.5)"
  { within "$first" "$floor" 2 && within "$second" "$first" 0.5; } || failed=1
fi
exit $failed
