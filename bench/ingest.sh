#!/usr/bin/env bash
# Ingestion benchmark. On one broker and with the same wrk load it measures:
#   1. the source app, one event per request (GET /purchase_a_sword), and the seed's own Flask game_api.py;
#   2. the source app's latency at half its peak rate (hey, rate-limited);
#   3. the source app with batches of BATCH events (POST /events);
#   4. the raw Kafka producer (kafka-tools ProducerPerformance, acks=all) at the same record size.
# It prints figures; it asserts nothing. Needs wrk, hey, kcat, python3-flask and python3-kafka (Debian).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-64}
BATCH=${BATCH:-100}
export BATCH

for tool in wrk hey kcat /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk hey kcat python3-flask python3-kafka)"; exit 1; }
done

export STEELTHREAD_HOME
STEELTHREAD_HOME="$(mktemp -d)"
kafka_port=${KAFKA_PORT:-19092}
source_port=${SOURCE_PORT:-15000}
flask_port=${FLASK_PORT:-15002}
cat > "$STEELTHREAD_HOME/stack.properties" <<PROPS
kafka.port=$kafka_port
kafka.controller-port=$((kafka_port + 1))
source.port=$source_port
source.heap=512m
topics.raw=bench.source
PROPS
flask_pid=""
cleanup() {
  [ -n "$flask_pid" ] && kill "$flask_pid" 2>/dev/null || true
  "$root/steelthread" down --purge >/dev/null 2>&1 || true
  rm -rf "$STEELTHREAD_HOME"
}
trap cleanup EXIT

echo "== starting Kafka and the source app (state in a temporary directory)"
"$root/steelthread" up --only kafka,source
bootstrap="127.0.0.1:$kafka_port"

echo "== starting the seed's Flask game_api.py on the same broker"
flask_dir="$STEELTHREAD_HOME/flask"
mkdir -p "$flask_dir"
# The seed's API as the course wrote it (shared/seed/…), with its hard-coded broker and topic pointed here.
cat > "$flask_dir/game_api.py" <<PY
#!/usr/bin/env python
import json
from kafka import KafkaProducer
from flask import Flask, request

app = Flask(__name__)
producer = KafkaProducer(bootstrap_servers='$bootstrap')


def log_to_kafka(topic, event):
    event.update(request.headers)
    producer.send(topic, json.dumps(event).encode())


@app.route("/")
def default_response():
    default_event = {'event_type': 'default'}
    log_to_kafka('bench.flask', default_event)
    return "This is the default response!\n"


@app.route("/purchase_a_sword")
def purchase_a_sword():
    purchase_sword_event = {'event_type': 'purchase_sword'}
    log_to_kafka('bench.flask', purchase_sword_event)
    return "Sword Purchased!\n"
PY
# exec: the pid the cleanup kills is Flask's own, not a subshell's (which left Flask running).
(cd "$flask_dir" && FLASK_APP=game_api.py exec /usr/bin/python3 -m flask run --host 127.0.0.1 --port "$flask_port" \
  > "$flask_dir/flask.log" 2>&1) &
flask_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$flask_port/" >/dev/null 2>&1 && break; sleep 0.2; done
kill -0 "$flask_pid" 2>/dev/null || { echo "bench: Flask did not start (port $flask_port taken?):"; cat "$flask_dir/flask.log"; exit 1; }

# wrk prints Requests/sec and, with --latency, the 50/75/90/99 % latencies.
run_wrk() { # name url [script]
  local name=$1 url=$2 script=${3:-}
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Host: user1.comcast.com" ${script:+-s "$script"} "$url")
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-34s %12s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}" >&2
  echo "$rps"
}

echo "== warm-up (JIT) 10 s"
wrk -t2 -c"$CONNECTIONS" -d10s -H "Host: user1.comcast.com" "http://127.0.0.1:$source_port/purchase_a_sword" >/dev/null

echo "== one event per request: wrk -t2 -c$CONNECTIONS -d${DURATION}s"
source_rps=$(run_wrk "source-app GET /purchase_a_sword" "http://127.0.0.1:$source_port/purchase_a_sword")
flask_rps=$(run_wrk "seed Flask GET /purchase_a_sword" "http://127.0.0.1:$flask_port/purchase_a_sword")
awk -v s="$source_rps" -v f="$flask_rps" 'BEGIN {printf "ratio source/Flask: %.1fx (target >= 20x)\n", s/f}'

half=$(awk -v s="$source_rps" 'BEGIN {printf "%d", s/2}')
workers=64
echo "== latency at half the peak rate: hey -z ${DURATION}s -c $workers -q $((half / workers)) (≈ $half req/s)"
hey_out=$(hey -z "${DURATION}s" -c "$workers" -q "$((half / workers))" -host user1.comcast.com \
  "http://127.0.0.1:$source_port/purchase_a_sword")
hey_rps=$(awk '/Requests\/sec/ {print $2}' <<<"$hey_out")
hey_p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$hey_out")
hey_p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$hey_out")
hey_codes=$(awk '/Status code distribution/,0' <<<"$hey_out" | tr -s ' ' | tr '\n' ' ')
echo "source-app at $hey_rps req/s: p50 ${hey_p50} ms, p99 ${hey_p99} ms (target p99 <= 10 ms); ${hey_codes}"

echo "== batches of $BATCH events: wrk POST /events"
batch_rps=$(run_wrk "source-app POST /events x$BATCH" "http://127.0.0.1:$source_port/events" "$root/bench/batch.lua")
batch_eps=$(awk -v r="$batch_rps" -v b="$BATCH" 'BEGIN {printf "%d", r*b}')
echo "source-app batches: $batch_eps events/s acknowledged"

record_size=$(kcat -C -b "$bootstrap" -t bench.source -o -1 -c 1 -e -q -f '%S')
echo "== raw producer: ProducerPerformance acks=all, $record_size-byte records (one source-app event)"
perf=$(java -cp "$root/local-stack/kafka-runtime/target/lib/*" org.apache.kafka.tools.ProducerPerformance \
  --topic bench.raw --num-records 3000000 --record-size "$record_size" --throughput -1 \
  --producer-props bootstrap.servers="$bootstrap" acks=all 2>/dev/null | tail -1)
echo "$perf"
raw_rps=$(sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/' <<<"$perf")
awk -v b="$batch_eps" -v r="$raw_rps" 'BEGIN {printf "batched source / raw producer: %.0f%% (target >= 50%%)\n", 100*b/r}'

echo
echo "SUMMARY  source $source_rps req/s | Flask $flask_rps req/s | half-load p99 ${hey_p99} ms | batch $batch_eps events/s | raw producer $raw_rps records/s"
