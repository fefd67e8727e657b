#!/usr/bin/env bash
# The persistent store's write, its variants side by side in one run (StoreWriteBenchmark), against a
# throw-away PostgreSQL from Debian's binaries on port 55442 (stopped at the end), fsync on: docs/benchmarks.md
# § Durability, "Store write in one round trip", and § Tenth pass. Run as root (PostgreSQL runs as user postgres). Arguments:
# [VARIANTS [CALLS [THREADS]]], default pruning,ring,pruning,ring 4000 2 (old: the four-round-trip write).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/throwaway-pg.sh
start_throwaway_pg 55442
mvn -B -q -Pbench compile exec:exec@store \
    -Dstore.args="jdbc:postgresql://127.0.0.1:55442/postgres ${1:-pruning,ring,pruning,ring} ${2:-4000} ${3:-2}"
