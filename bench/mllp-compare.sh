#!/usr/bin/env bash
# PCD-01 over MLLP, side by side in one run with the same client (../shared/bench-peers/MllpLoad):
#   hapi-bare    HAPI's SimpleServer that only parses and ACKs (nothing durable)
#   vitalbridge  our listener: parse, decode, harmonize, journal + fsync (SQLite FULL), then ACK;
#                the pipeline worker stores measurements concurrently
# then hapi-bare again, to see how much the machine drifted during the run.
# Usage: bench/mllp-compare.sh [CONNECTIONS=8] [MESSAGES_PER_CONNECTION=2000] [ROUNDS=3]
# Needs bench/target/benchmarks.jar (see bench/README.md). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-8}
N=${2:-2000}
ROUNDS=${3:-3}
PEERS=${BENCH_PEERS:-../shared/bench-peers}
JAR=bench/target/benchmarks.jar
WORK=$(mktemp -d)
declare -A JAVA_OPTS_FOR=([vitalbridge]="${VB_JAVA_OPTS:-}")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

javac -nowarn -d "$WORK" -cp "$JAR" "$PEERS/HapiServer.java" "$PEERS/MllpLoad.java" 2>/dev/null

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

against() {
  local name=$1 main=$2 port pid
  port=$(free_port)
  java ${JAVA_OPTS_FOR[$name]:-} -cp "$WORK:$JAR" "$main" "$port" "${@:3}" >"$WORK/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening" "$WORK/$name.log" 2>/dev/null && break
    sleep 0.2
  done
  java -cp "$WORK" MllpLoad 127.0.0.1 "$port" "$CONNS" "$N" "$ROUNDS" | sed "s/^/$name /"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  grep '^#' "$WORK/$name.log" || true
}

echo "# $(date -u +%FT%TZ) $(nproc) cores; $CONNS connections x $N messages x $ROUNDS rounds (round 0 warm-up)"
against hapi-bare HapiServer
against vitalbridge org.vitalbridge.bench.MllpIngest ${VB_BACKEND:-sqlite}
against hapi-bare HapiServer
