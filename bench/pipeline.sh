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
spark_home="$root/local-stack/spark-runtime/target/spark-home"
jobs_jar=$(ls "$root"/spark-tasks/spark-jobs/target/spark-jobs-*.jar | grep -v original | head -1)
task_jar=$(ls "$root"/spark-tasks/pipeline-task/target/pipeline-task-*.jar | head -1)

export STEELTHREAD_HOME
STEELTHREAD_HOME="$(mktemp -d)"
base=${BASE_PORT:-19500}
cat > "$STEELTHREAD_HOME/stack.properties" <<PROPS
kafka.port=$base
kafka.controller-port=$((base + 1))
metastore.port=$((base + 2))
hiveserver2.port=$((base + 3))
presto.port=$((base + 4))
processor.port=$((base + 5))
source.port=$((base + 6))
source.management-port=$((base + 7))
PROPS
stream_pid=""
cleanup() {
  [ -n "$stream_pid" ] && kill "$stream_pid" 2>/dev/null && wait "$stream_pid" 2>/dev/null || true
  "$root/steelthread" down $([ -n "${KEEP:-}" ] || echo --purge) >/dev/null 2>&1 || true
  if [ -n "${KEEP:-}" ]; then echo "kept: $STEELTHREAD_HOME (stream.log: the driver's output)"; else rm -rf "$STEELTHREAD_HOME"; fi
}
trap cleanup EXIT
cp="$root/local-stack/cli/target/lib/*"

echo "== starting Kafka, metastore, HiveServer2, Presto, processor, game API"
"$root/steelthread" up --only kafka,metastore,hiveserver2,presto,processor,source | grep -E "up in|steelthread"
warehouse="file://$STEELTHREAD_HOME/warehouse"
java -jar "$task_jar" --spring.datasource.url="jdbc:h2:file:$STEELTHREAD_HOME/task-db" \
  --steelthread.pipeline.warehouse="$warehouse" --steelthread.pipeline.hive.tables=sword_purchases \
  --steelthread.pipeline.hive.jdbc-url="jdbc:hive2://127.0.0.1:$((base + 3))/default" \
  --spring.batch.job.names=hiveDdl > "$STEELTHREAD_HOME/task.log" 2>&1 \
  || { echo "the table's DDL failed:"; tail -20 "$STEELTHREAD_HOME/task.log"; exit 1; }

echo "== StreamEventsJob, trigger '$TRIGGER' (registers each new hour's partition itself)"
SPARK_HOME="$spark_home" "$spark_home/bin/spark-submit" --master 'local[2]' --driver-memory 1g \
  --class io.steelthread.spark.StreamEventsJob "$jobs_jar" --bootstrap-servers "127.0.0.1:$base" --topic events \
  --table-path "$warehouse/sword_purchases" --checkpoint "$warehouse/_checkpoints/sword_purchases" \
  --metastore-uri "thrift://127.0.0.1:$((base + 2))" --hive-table default.sword_purchases \
  --trigger "$TRIGGER" > "$STEELTHREAD_HOME/stream.log" 2>&1 &
stream_pid=$!
for _ in $(seq 1 120); do
  grep -q "StreamEventsJob query running" "$STEELTHREAD_HOME/stream.log" && break
  kill -0 "$stream_pid" 2>/dev/null || break
  sleep 1
done
if ! grep -q "StreamEventsJob query running" "$STEELTHREAD_HOME/stream.log"; then
  echo "the stream did not start:"; tail -30 "$STEELTHREAD_HOME/stream.log"; exit 1
fi

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
