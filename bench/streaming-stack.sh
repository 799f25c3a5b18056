# Sourced by bench/freshness.sh and bench/pipeline.sh: the servers a streaming benchmark needs in a temporary home
# (ports from BASE_PORT), the sword_purchases table's DDL, and StreamEventsJob (TRIGGER) registering each new hour's
# partition itself. Sets base, warehouse, stream_pid; cleans up on exit (KEEP=1 keeps the home and its logs).
spark_home="$root/local-stack/spark-runtime/target/spark-home"
jobs_jar=$(ls "$root"/spark-tasks/spark-jobs/target/spark-jobs-*.jar | grep -v original | head -1)
task_jar=$(ls "$root"/spark-tasks/pipeline-task/target/pipeline-task-*.jar | head -1)

export STEELTHREAD_HOME
STEELTHREAD_HOME="$(mktemp -d)"
base=${BASE_PORT:-$1}
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

echo "== starting Kafka, metastore, HiveServer2, Presto, processor, game API"
"$root/steelthread" up --only kafka,metastore,hiveserver2,presto,processor,source | grep -E "up in|steelthread"
warehouse="file://$STEELTHREAD_HOME/warehouse"
# The table exists before the stream starts; its partitions do not: the stream registers each new hour in the
# metastore as it commits it, so the first sample of an hour includes that.
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
