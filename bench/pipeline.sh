#!/usr/bin/env bash
# The whole pipeline under load: game API → processor → Kafka → StreamEventsJob (TRIGGER) → Parquet → Presto.
# For each rate in RATES, sword purchases from 1,000 players go through the API's batch endpoint for
# SECONDS_PER_RATE while one marker event a second is timed from its 2xx to its row in Presto. Prints per rate:
# accepted events/s, 503s, the events/s the processor got through (accepted minus the lag it added) and its lag on
# events.raw, freshness p50/p95/max; then a plain consumer's records/s on the same events.raw, for comparison.
# Headline: the highest rate that is sustained — 95 % of it accepted, the processor's lag at the end below one
# trigger's worth of events, every marker visible and freshness p95 <= trigger + 5 s. It prints figures; it asserts nothing.
# Everything (API, processor, broker, Spark local[2], Presto, the load generator) shares this machine's cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRIGGER=${TRIGGER:-10 seconds}
RATES=${RATES:-5000 10000 20000 40000}
SECONDS_PER_RATE=${SECONDS_PER_RATE:-60}
BATCH=${BATCH:-100}
# shellcheck source=streaming-stack.sh
source "$root/bench/streaming-stack.sh" 19500
cp="$root/local-stack/cli/target/lib/*"

echo "== rates: $RATES events/s, $SECONDS_PER_RATE s each, batches of $BATCH (cores: $(nproc))"
trigger_seconds=$(awk '{ print ($2 ~ /^milli/) ? $1 / 1000 : ($2 ~ /^min/) ? $1 * 60 : $1 }' <<< "$TRIGGER")
results="$STEELTHREAD_HOME/results"
load() {
  # The player is the Host header (as in the seed's curl calls); Java's HTTP client sets it only when allowed to.
  java -Djdk.httpclient.allowRestrictedHeaders=host -cp "$cp" "$root/bench/PipelineLoad.java" \
    "http://127.0.0.1:$((base + 6))" "jdbc:presto://127.0.0.1:$((base + 4))/hive/default" "127.0.0.1:$base" \
    "$1" "$2" "$BATCH" "$trigger_seconds"
}
# Not counted: the stream's first batches (Spark's warm-up, the hour's first partition registration).
echo "(warm-up, not counted) $(load 1000 30)"
for rate in $RATES; do
  load "$rate" "$SECONDS_PER_RATE" | tee -a "$results"
  # The next rate starts from no backlog: a lag left here would be charged to it.
  for _ in $(seq 1 120); do
    lag=$(java -cp "$cp" "$root/bench/PipelineLoad.java" lag "127.0.0.1:$base" 2>/dev/null || echo 0)
    [ "${lag:-0}" -lt 1000 ] && break
    sleep 2
  done
  [ "${lag:-0}" -lt 1000 ] || echo "(the processor's lag is still $lag: the next rate starts with it)"
done
best=$(grep ' SUSTAINED' "$results" | awk '{ gsub(/[,\/s]/, "", $2); print $2 }' | sort -n | tail -1 || true)
echo "== highest sustained rate (trigger '$TRIGGER', freshness p95 <= trigger + 5 s): ${best:-none of $RATES} events/s"

kill "$stream_pid" 2>/dev/null && wait "$stream_pid" 2>/dev/null || true
stream_pid=""
echo "== a plain consumer on the events.raw this run filled (beside the processor's events/s above)"
raw=$(java -cp "$cp" "$root/bench/PipelineLoad.java" size "127.0.0.1:$base" events.raw)
java -cp "$cp" "$root/bench/ProcessorThroughput.java" drain "127.0.0.1:$base" events.raw "$raw"
