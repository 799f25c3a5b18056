#!/usr/bin/env bash
# The processor on a backlog: EVENTS raw events (as the game API writes them) wait in events.raw; then the
# processor is started and its output topic is read until all have arrived. Prints the processor's events/s
# (first to last output record) beside a plain consumer reading the same raw topic. It asserts nothing.
# PROFILE=1 records a JFR profile of the processor (in the temporary home, path printed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS=${EVENTS:-500000}
export STEELTHREAD_HOME
STEELTHREAD_HOME="$(mktemp -d)"
base=${BASE_PORT:-19400}
jfr=""
if [ -n "${PROFILE:-}" ]; then
  jfr="-XX:StartFlightRecording=filename=$STEELTHREAD_HOME/processor.jfr,settings=profile"
fi
cat > "$STEELTHREAD_HOME/stack.properties" <<PROPS
kafka.port=$base
kafka.controller-port=$((base + 1))
processor.port=$((base + 2))
processor.jvm-options=-XX:+UseSerialGC $jfr
PROPS
cleanup() {
  "$root/steelthread" down >/dev/null 2>&1 || true
  [ -n "${PROFILE:-}" ] && echo "JFR profile: $STEELTHREAD_HOME/processor.jfr" || rm -rf "$STEELTHREAD_HOME"
}
trap cleanup EXIT
cp="$root/local-stack/cli/target/lib/*"
bench() { java -cp "$cp" "$root/bench/ProcessorThroughput.java" "$@"; }

echo "== Kafka"
"$root/steelthread" up --only kafka | grep -E "up in"
echo "== $EVENTS raw events into events.raw"
bench produce "127.0.0.1:$base" events.raw "$EVENTS"
echo "== a plain consumer reads events.raw"
bench drain "127.0.0.1:$base" events.raw "$EVENTS"
echo "== the processor (heap $(grep -h '^processor.heap' "$root/local-stack/cli/src/main/resources/stack-defaults.properties" | cut -d= -f2)) works through the backlog"
"$root/steelthread" up --only processor | grep -E "up in"
bench drain "127.0.0.1:$base" events "$EVENTS"
