#!/usr/bin/env bash
# Live latency at a paced bedside rate against the packaged server (bin/vitalbridge run with
# embedded defaults on free ports, SQLite FULL): MQTT QoS 1 publish -> WebSocket stream frame.
# Usage: bench/live-latency.sh [MESSAGES=3000] [RATE_PER_SECOND=100]
# Needs server/target/vitalbridge.jar and bench/target/benchmarks.jar. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HTTP=$(free_port)
MQTT=$(free_port)
(cd "$WORK" && VITALBRIDGE_HTTP_PORT=$HTTP VITALBRIDGE_MQTT_EMBEDDED_PORT=$MQTT VITALBRIDGE_HL7_MLLP_PORT=0 \
  VITALBRIDGE_TEMPLATES="$OLDPWD/config/templates" java ${VB_JAVA_OPTS:-} -jar "$OLDPWD/server/target/vitalbridge.jar" run \
  >"$WORK/server.log" 2>&1) &
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$HTTP/health" >/dev/null 2>&1 && break; sleep 0.2; done
# The first start prints the admin API token once; the dashboard presents it on the stream.
VB_TOKEN=$(grep -o 'vb_[0-9a-f]*\.[A-Za-z0-9_-]*' "$WORK/server.log" | head -1 || true)
export VB_TOKEN
java -cp bench/target/benchmarks.jar org.vitalbridge.bench.LiveLatency "$MQTT" "$HTTP" "${1:-3000}" "${2:-100}"
