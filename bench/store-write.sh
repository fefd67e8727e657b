#!/usr/bin/env bash
# The persistent store's write, before (three batches and a commit) and after (one statement) in one run, against a
# throw-away PostgreSQL from Debian's binaries on port 55442 (stopped at the end), fsync on: docs/benchmarks.md
# § Durability, "Store write in one round trip". Run as root (PostgreSQL runs as user postgres). Arguments:
# [VARIANTS [CALLS [THREADS]]], default old,new,old,new 4000 2.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/throwaway-pg.sh
start_throwaway_pg 55442
mvn -B -q -Pbench compile exec:exec@store \
    -Dstore.args="jdbc:postgresql://127.0.0.1:55442/postgres ${1:-old,new,old,new} ${2:-4000} ${3:-2}"
