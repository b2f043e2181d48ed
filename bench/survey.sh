#!/usr/bin/env bash
# Learner survey site under load (issue 14, done-means 3), against baselines
# measured in the same run on the same machine:
#   1. GET of a survey page (/s/{token}/p/activity, Welsh) vs Onward's own
#      /healthz and a bare axum "hello world" built by this script: requests/s
#      and p99 latency (wrk, CONNECTIONS connections, SECONDS seconds each);
#   2. answer POSTs/s on SQLite (every POST saves the page for one of LINKS
#      personal links, cycling), then a check that every link with an
#      acknowledged answer (303) has it stored.
# Everything listens on 127.0.0.1 only.
#
#   bench/survey.sh [SECONDS] [CONNECTIONS] [LINKS]   (defaults: 10 32 50)
#   ONWARD_BENCH_PROFILE=debug uses the debug build (a smoke test, no figures).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
connections="${2:-32}"
links="${3:-50}"
profile="${ONWARD_BENCH_PROFILE:-release}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
port="${ONWARD_BENCH_PORT:-18447}"
hello_port=$((port + 1))
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }

# ONWARD_BENCH_BIN=DIR times the `onward` binary in DIR instead (built earlier), as bench/pages.sh.
if [ -n "${ONWARD_BENCH_BIN:-}" ]; then
  onward="$ONWARD_BENCH_BIN/onward"
else
  if [ "$profile" = release ]; then
    # The same command as bench/pages.sh and bench/import.sh: an example brings
    # in dev-dependencies, which changes the features of shared crates, so a
    # different command would rebuild most of the workspace.
    cargo build --quiet --release --workspace --bin onward --example import_csv
  fi
  onward="$CARGO_TARGET_DIR/$profile/onward"
fi
work="$(mktemp -d)"
server=""
hello=""
cleanup() {
  for pid in $server $hello; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The bare axum baseline: the same axum and tokio as Onward, nothing else.
mkdir -p "$work/hello/src"
cat > "$work/hello/Cargo.toml" <<'TOML'
[package]
name = "hello"
version = "0.1.0"
edition = "2024"

[dependencies]
axum = { version = "0.8", default-features = false, features = ["http1", "tokio"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net"] }

[workspace]
TOML
cat > "$work/hello/src/main.rs" <<'RUST'
use axum::{Router, routing::get};

#[tokio::main]
async fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await.expect("bind");
    let app = Router::new().route("/", get(|| async { "Hello, world!" }));
    axum::serve(listener, app).await.expect("serve");
}
RUST
cp Cargo.lock "$work/hello/Cargo.lock"
(cd "$work/hello" && cargo build --quiet --offline --"$profile" 2>/dev/null || cargo build --quiet --offline --release)
hello_bin="$CARGO_TARGET_DIR/release/hello"
[ -x "$CARGO_TARGET_DIR/$profile/hello" ] && hello_bin="$CARGO_TARGET_DIR/$profile/hello"

db="$work/onward.db"
export ONWARD_DATABASE_URL="sqlite://$db?mode=rwc" ONWARD_LOG=warn ONWARD_PUBLIC_URL="http://127.0.0.1:$port"
"$onward" demo --no-serve >/dev/null
: > "$work/links.txt"
for i in $(seq 1 "$links"); do
  "$onward" survey link "NFA$(printf %06d "$i")" --survey follow-up-3-6-month --lang cy --org northfield-academy \
    2>/dev/null | tail -1 | sed "s|^http://127.0.0.1:$port||" >> "$work/links.txt" || true
done
made=$(grep -c '^/s/' "$work/links.txt" || true)
[ "$made" -gt 0 ] || { echo "no survey links could be made" >&2; exit 1; }

"$onward" serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
PORT=$hello_port "$hello_bin" &
hello=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && curl -fs "http://127.0.0.1:$hello_port/" >/dev/null && break
  sleep 0.1
done

page="$(head -1 "$work/links.txt")/p/activity"
bytes=$(curl -fs "http://127.0.0.1:$port$page" | wc -c)
css=$(curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/static/survey.css" | wc -c)

# measure NAME URL: wrk's requests/s and p99 for URL.
measure() {
  local out rps p99
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$2")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  printf '%-28s %12s req/s   p99 %s\n' "$1" "$rps" "$p99"
  eval "rps_$3=$rps"
}
echo "wrk: 2 threads, $connections connections, ${seconds} s each; $profile build; SQLite"
measure "bare axum hello world" "http://127.0.0.1:$hello_port/" hello
measure "onward /healthz" "http://127.0.0.1:$port/healthz" health
measure "survey page (GET, Welsh)" "http://127.0.0.1:$port$page" survey
awk -v s="$rps_survey" -v h="$rps_health" -v b="$rps_hello" \
  'BEGIN { printf "survey page / healthz: %.2fx   survey page / hello world: %.2fx\n", s / h, s / b }'
echo "survey page: $bytes bytes of HTML + $css bytes of stylesheet (gzip) = $((bytes + css)) bytes"

# Answer POSTs: each request answers the first page of one link, cycling.
cat > "$work/post.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("LINKS_FILE")) do paths[#paths + 1] = line .. "/p/activity" end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) acked = 0; others = 0; i = math.random(#paths) end
function request()
  i = i % #paths + 1
  return wrk.format("POST", paths[i], { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "activity=employed-full-time")
end
function response(status, headers, body)
  if status == 303 then acked = acked + 1 else others = others + 1 end
end
function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("acked"); o = o + t:get("others") end
  io.write(string.format("ACKED %d OTHER %d\n", a, o))
end
LUA
out=$(LINKS_FILE="$work/links.txt" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port")
rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
acked=$(awk '/^ACKED/ { print $2 }' <<<"$out")
other=$(awk '/^ACKED/ { print $4 }' <<<"$out")
printf '%-28s %12s req/s   p99 %s   (%s acknowledged, %s other answers)\n' "answer POSTs (SQLite)" "$rps" "$p99" "$acked" "$other"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
stored=$(sqlite3 -batch "$db" "SELECT count(*) FROM survey_answers WHERE page_id = 'activity' AND answers LIKE '%employed-full-time%'")
expected=$(( acked < made ? acked : made ))
if [ "$stored" -ge "$expected" ] && [ "$other" = 0 ]; then
  echo "every acknowledged answer is stored: $stored of $made links answered"
else
  echo "MISSING ANSWERS: $stored stored, at least $expected expected; $other answers not acknowledged" >&2
  exit 1
fi
