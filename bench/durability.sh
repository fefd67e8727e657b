#!/usr/bin/env bash
# Publish latency and throughput per durability mode, side by side (docs/benchmarks.md § Durability):
# memory and persistent on one member, memory, replicated and persistent on three, 10 000 events/s offered in
# batches of 10 over 100 topics. Starts a throw-away PostgreSQL from Debian's binaries (apt-get install postgresql)
# on port 55432 for the persistent runs and stops it at the end. Run as root (PostgreSQL runs as user postgres)
# after `mvn -B package -DskipTests`; extra arguments go to every generator run. The warm-up is 150 s because on
# this 2-core box the JIT keeps compiling for about two minutes under load (three JVMs share the cores): measured
# after a 60 s warm-up, the same build's replicated p99 was 110 ms, after 150 s 22 ms
# (docs/profiles/replicated-jit-warmup.txt).
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/throwaway-pg.sh
start_throwaway_pg 55432
store=(FLOWCAST_STORE_URL=jdbc:postgresql://127.0.0.1:55432/postgres FLOWCAST_STORE_USER=postgres)
args=(--clients=10 --topics=100 --rate=10000 --batch=10 --inflight=64 --warmup=150 --duration=60 "$@")
run() { echo "=== $(date -u +%H:%M:%S) $*" >&2; env "$@" "${args[@]}" || echo "=== failed: $*" >&2; }
run FLOWCAST_DURABILITY=memory bench/scenario.sh flowcast fanout
run FLOWCAST_DURABILITY=persistent "${store[@]}" bench/scenario.sh flowcast fanout
run FLOWCAST_DURABILITY=memory bench/scenario.sh flowcast3 cluster3
run FLOWCAST_DURABILITY=replicated bench/scenario.sh flowcast3 cluster3
run FLOWCAST_DURABILITY=persistent "${store[@]}" bench/scenario.sh flowcast3 cluster3
