#!/usr/bin/env bash
# MQTT 5 QoS 1, side by side in one run with the same publishers and payloads (MqttCompare):
#   mosquitto    Mosquitto pass-through (../shared/bench-peers/mosquitto-bench.conf, nothing durable)
#                to one counting subscriber
#   vitalbridge  the embedded endpoint: PUBACK after the journal commit (SQLite FULL, fsync), the
#                pipeline, measured until the measurements are committed
# then Mosquitto again, to see how much the machine drifted during the run.
# Usage: bench/mqtt-compare.sh [PUBLISHERS=8] [MESSAGES_PER_PUBLISHER=2000] [ROUNDS=3] [WINDOW=100]
# Needs bench/target/benchmarks.jar (see bench/README.md) and mosquitto. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=${BENCH_PEERS:-../shared/bench-peers}
JAR=bench/target/benchmarks.jar
PORT=${MOSQUITTO_BENCH_PORT:-18830}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

sed "s/^listener .*/listener $PORT 127.0.0.1/; /^pid_file/d" "$PEERS/mosquitto-bench.conf" >"$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done
echo "# $(mosquitto -h 2>/dev/null | head -1)"
java ${VB_JAVA_OPTS:-} -cp "$JAR" org.vitalbridge.bench.MqttCompare "$PORT" "${1:-8}" "${2:-2000}" "${3:-3}" "${4:-100}"
