#!/usr/bin/env bash
# Streaming freshness: game API → processor → Kafka → StreamEventsJob (TRIGGER) → Parquet → Presto.
# Prints, per sample, the time from the API's 2xx to the row being visible in Presto, then p50/p95.
# Target: p95 <= trigger + 5 s. It prints figures; it asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRIGGER=${TRIGGER:-10 seconds}
SAMPLES=${SAMPLES:-20}
# shellcheck source=streaming-stack.sh
source "$root/bench/streaming-stack.sh" 19300

echo "== $SAMPLES samples"
java -cp "$root/local-stack/cli/target/lib/*" "$root/bench/Freshness.java" "http://127.0.0.1:$((base + 6))" \
  "jdbc:presto://127.0.0.1:$((base + 4))/hive/default" "$SAMPLES"
echo "(target: p95 <= trigger + 5 s = $(( ${TRIGGER%% *} + 5 )) s)"
