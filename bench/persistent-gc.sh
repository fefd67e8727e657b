#!/usr/bin/env bash
# The persistent 202 tail on one member under G1 (the JVM's default) and ParallelGC, interleaved G1, Parallel, G1,
# Parallel, a fresh throw-away PostgreSQL per run (bench/throwaway-pg.sh, port 55432), same load as
# bench/durability.sh (docs/benchmarks.md § Fourteenth pass). Run as root after `mvn -B package -DskipTests`; extra
# arguments go to every generator run.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/throwaway-pg.sh
args=(--clients=10 --topics=100 --rate=10000 --batch=10 --inflight=64 --warmup=150 --duration=60 "$@")
for jvm in "" "-XX:+UseParallelGC" "" "-XX:+UseParallelGC"; do
  (
    start_throwaway_pg 55432
    echo "=== $(date -u +%H:%M:%S) FLOWCAST_JVM=[$jvm]" >&2
    FLOWCAST_JVM="$jvm" FLOWCAST_DURABILITY=persistent FLOWCAST_STORE_URL=jdbc:postgresql://127.0.0.1:55432/postgres \
      FLOWCAST_STORE_USER=postgres bench/scenario.sh flowcast fanout "${args[@]}" || echo "=== failed: [$jvm]" >&2
  )
done
