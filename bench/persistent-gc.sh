#!/usr/bin/env bash
# The persistent 202 tail under G1 (the JVM's default) and ParallelGC, interleaved G1, Parallel, G1, Parallel, a
# fresh throw-away PostgreSQL per run (bench/throwaway-pg.sh, port 55432), same load as bench/durability.sh
# (docs/benchmarks.md § Fourteenth and Fifteenth passes). One member by default; `bench/persistent-gc.sh flowcast3`
# runs three members publishing through the first (scenario cluster3, every member with the same JVM options).
# Run as root after `mvn -B package -DskipTests`; extra arguments go to every generator run.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/throwaway-pg.sh
server=flowcast
scenario=fanout
if [ "${1:-}" = flowcast3 ]; then
  server=flowcast3
  scenario=cluster3
  shift
fi
args=(--clients=10 --topics=100 --rate=10000 --batch=10 --inflight=64 --warmup=150 --duration=60 "$@")
for jvm in "" "-XX:+UseParallelGC" "" "-XX:+UseParallelGC"; do
  (
    start_throwaway_pg 55432
    echo "=== $(date -u +%H:%M:%S) $server FLOWCAST_JVM=[$jvm]" >&2
    FLOWCAST_JVM="$jvm" FLOWCAST_DURABILITY=persistent FLOWCAST_STORE_URL=jdbc:postgresql://127.0.0.1:55432/postgres \
      FLOWCAST_STORE_USER=postgres bench/scenario.sh "$server" "$scenario" "${args[@]}" || echo "=== failed: [$jvm]" >&2
  )
done
