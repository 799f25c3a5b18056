#!/usr/bin/env bash
# Batch extract benchmark: EVENTS validated events (as the processor writes them) in the events topic, then
#   1. the raw Kafka consumer's rate on that topic (kafka-tools ConsumerPerformance), and
#   2. ExtractEventsJob on local[2] through the assembled Spark home (all types kept, Parquet written),
# and their ratio. It prints figures; it asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS=${EVENTS:-1000000}
MASTER=${MASTER:-local[2]}
libs="$root/local-stack/kafka-runtime/target/lib/*"
spark_home="$root/local-stack/spark-runtime/target/spark-home"
jobs_jar=$(ls "$root"/spark-tasks/spark-jobs/target/spark-jobs-*.jar | grep -v original | head -1)

export STEELTHREAD_HOME
STEELTHREAD_HOME="$(mktemp -d)"
kafka_port=${KAFKA_PORT:-19192}
printf 'kafka.port=%s\nkafka.controller-port=%s\n' "$kafka_port" "$((kafka_port + 1))" > "$STEELTHREAD_HOME/stack.properties"
trap '"$root/steelthread" down --purge >/dev/null 2>&1 || true; rm -rf "$STEELTHREAD_HOME"' EXIT
"$root/steelthread" up --only kafka >/dev/null
bootstrap="127.0.0.1:$kafka_port"

# DISTINCT events (event_id and raw_event almost unique, as in real traffic), half purchase_sword, as the processor
# writes them; ProducerPerformance picks lines at random.
payload="$STEELTHREAD_HOME/payload.ndjson"
awk -v n="${DISTINCT:-100000}" -v now="$(date -u +%Y-%m-%dT%H)" 'BEGIN {
  for (i = 0; i < n; i++) {
    type = (i % 2 == 0) ? "purchase_sword" : "default"; p = i % 50; isp = (i % 3 == 0) ? "comcast.com" : "att.com";
    printf "{\"event_type\":\"%s\",\"event_id\":\"bench-%d\",\"event_ts\":\"%s:%02d:%02d.000Z\",\"Host\":\"user%d.%s\",", type, i, now, i % 60, (i * 7) % 60, p, isp
    printf "\"Accept\":\"*/*\",\"User-Agent\":\"ApacheBench/2.3\",\"player\":\"user%d\",\"isp\":\"%s\",\"ua_family\":\"Other\",", p, isp
    printf "\"attributes\":{\"sword_type\":\"katana\",\"price\":\"%d\"},\"event_date\":\"%s\",\"event_hour\":%d}\n", i, substr(now, 1, 10), substr(now, 12, 2) + 0
  }
}' > "$payload"
size=$(awk '{ s += length($0) } END { printf "%d", s / NR }' "$payload")

echo "== producing $EVENTS events of ~$size bytes to 'events'"
"$root/steelthread" status >/dev/null
java -cp "$libs" org.apache.kafka.tools.ProducerPerformance --topic events --num-records "$EVENTS" \
  --payload-file "$payload" --throughput -1 --producer-props bootstrap.servers="$bootstrap" acks=all 2>/dev/null | tail -1

echo "== raw consumer: ConsumerPerformance"
consumer=$(java -cp "$libs" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$bootstrap" --topic events \
  --messages "$EVENTS" --group "bench-$RANDOM" --timeout 60000 2>/dev/null | tail -1)
echo "$consumer"
consumer_rate=$(awk -F', *' '{ print $6 }' <<<"$consumer")

echo "== Spark's Kafka source alone on $MASTER (bench/SparkKafkaRead.java: read and sum every value, nothing parsed or written)"
probe="$STEELTHREAD_HOME/probe"
mkdir -p "$probe/classes"
javac -d "$probe/classes" -cp "$spark_home/jars/*:$jobs_jar" "$root/bench/SparkKafkaRead.java"
jar cf "$probe/probe.jar" -C "$probe/classes" .
spark_read=$(SPARK_HOME="$spark_home" "$spark_home/bin/spark-submit" --master "$MASTER" --driver-memory 2g \
  --jars "$jobs_jar" --class SparkKafkaRead "$probe/probe.jar" "$bootstrap" events 2>/dev/null \
  | grep 'Spark Kafka source alone')
echo "$spark_read"
spark_read_rate=$(sed -E 's/.*\(([0-9]+) records\/s\).*/\1/' <<<"$spark_read")

echo "== ExtractEventsJob on $MASTER (all event types, Parquet partitioned by event_date/event_hour)"
table="$STEELTHREAD_HOME/warehouse/bench_events"
start=$(date +%s.%N)
SPARK_HOME="$spark_home" "$spark_home/bin/spark-submit" --master "$MASTER" --driver-memory 2g \
  --class io.steelthread.spark.ExtractEventsJob "$jobs_jar" --bootstrap-servers "$bootstrap" --topic events \
  --event-types all --table-path "file://$table" --result-file "$STEELTHREAD_HOME/result.json" > "$STEELTHREAD_HOME/extract.log" 2>&1
end=$(date +%s.%N)
rows=$(sed -E 's/.*"rows":([0-9]+).*/\1/' "$STEELTHREAD_HOME/result.json")
wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%d", r / w }')
# The job's own figure: from the session being up to the table written (JVM and SparkContext start-up excluded).
job_line=$(grep -o 'ExtractEventsJob wrote .*' "$STEELTHREAD_HOME/extract.log")
job_rate=$(sed -E 's/.*\(([0-9]+) events\/s\).*/\1/' <<<"$job_line")
echo "extract: $rows rows in $wall s wall (spark-submit start to exit) = $rate events/s; $(du -sh "$table" | cut -f1) of Parquet"
echo "         ${job_line#ExtractEventsJob }"
awk -v a="$rate" -v j="$job_rate" -v c="$consumer_rate" -v s="$spark_read_rate" 'BEGIN {
  printf "extract / raw consumer: %.2f wall, %.2f job (target >= 0.3); Spark Kafka source alone / raw consumer: %.2f\n",
    a / c, j / c, s / c }'
echo
echo "SUMMARY  extract $rate events/s wall, $job_rate events/s job | Spark Kafka source alone $spark_read_rate records/s | raw consumer $consumer_rate records/s | $EVENTS events on $MASTER"
