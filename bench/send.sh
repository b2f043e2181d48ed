#!/usr/bin/env bash
# Email throughput (issue 15): MESSAGES invitation emails through Onward's
# SmtpMailer (Fluent templates in English and Welsh, text + HTML parts,
# List-Unsubscribe, a Message-ID from each send's key) to a local SMTP sink
# (onward_test_support::smtp, on 127.0.0.1), against the named baseline
# measured in the same run to the same sink: a bare lettre loop (lettre's
# pooled async transport, a prebuilt one-line message, the same concurrency
# and pool). Both runs check that every message arrived exactly once, by
# Message-ID. The bar: Onward at 1,000 messages/s or more; the script exits 1
# when it is not met or a message is missing or doubled.
#
#   bench/send.sh [MESSAGES] [CONCURRENCY]        (default 100000 64)
set -euo pipefail
cd "$(dirname "$0")/.."
messages="${1:-100000}"
concurrency="${2:-64}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# ONWARD_BENCH_PROFILE=debug runs an unoptimised build: slower, for a quick look only.
profile="${ONWARD_BENCH_PROFILE:-release}"
if [ "$profile" = release ]; then
  # The other benches' release build plus this example: the same features, so
  # a target directory one of them built is reused rather than rebuilt.
  cargo build --quiet --release --workspace --bin onward --example import_csv --example send_bench
else
  cargo build --quiet --workspace --example send_bench
fi
"$CARGO_TARGET_DIR/$profile/examples/send_bench" "$messages" "$concurrency"
