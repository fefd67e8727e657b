#!/usr/bin/env bash
# What a persistent run makes PostgreSQL wait on (docs/benchmarks.md § Thirteenth pass): starts a throw-away
# PostgreSQL (bench/throwaway-pg.sh) that logs every lock wait over 20 ms, runs one scenario against it with
# flowcast.durability=persistent, samples what the store's active statements wait on (pg_stat_activity every 200 ms)
# and prints the samples by wait event, the lock waits logged, the commits and the WAL bytes written.
# Usage, as root after `mvn -B package -DskipTests`: bench/pg-waits.sh SERVER SCENARIO [generator options], e.g.
#   bench/pg-waits.sh flowcast3 cluster3 --clients=10 --topics=100 --rate=10000 --batch=10 --inflight=64 \
#     --warmup=150 --duration=60 --publish=http://127.0.0.1:8110,http://127.0.0.1:8111,http://127.0.0.1:8112
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,8p' "$0"; exit 2; }
port=55436
. bench/throwaway-pg.sh
start_throwaway_pg $port log_lock_waits=on deadlock_timeout=20ms
psql_at() { as_postgres "$pgbin/psql -h 127.0.0.1 -p $port -U postgres -Atc \"$1\""; }
psql_at 'create database waits' >/dev/null
samples=$pg/samples.txt
( while true; do
    psql_at "select coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') from pg_stat_activity
             where datname = 'waits' and state = 'active' and pid <> pg_backend_pid()" 2>>"$pg/sampler.err"
    sleep 0.2
  done > "$samples" ) &
sampler=$!
trap 'kill $sampler 2>/dev/null; as_postgres "$pgbin/pg_ctl -D $pg -m fast -w stop" >/dev/null; rm -rf "$pg"' EXIT
FLOWCAST_DURABILITY=persistent FLOWCAST_STORE_URL=jdbc:postgresql://127.0.0.1:$port/waits FLOWCAST_STORE_USER=postgres \
  bench/scenario.sh "$@" || echo "=== the scenario failed" >&2
kill $sampler
echo "=== the store's active statements, sampled every 200 ms, by what they waited on:"
sort "$samples" | uniq -c | sort -rn | head -15
[ -s "$pg/sampler.err" ] && { echo "=== the sampler's errors:"; sort "$pg/sampler.err" | uniq -c | head -5; }
echo "=== lock waits over 20 ms: $(grep -c 'still waiting for' $pg/server.log); deadlocks: $(grep -c 'deadlock detected' $pg/server.log)"
grep 'still waiting for' $pg/server.log | grep -o 'still waiting for [A-Za-z]*' | sort | uniq -c
grep -A2 'still waiting for' $pg/server.log | grep -m3 'CONTEXT'
echo "=== commits: $(psql_at "select xact_commit from pg_stat_database where datname = 'waits'")"
echo "=== WAL bytes written: $(psql_at "select pg_current_wal_lsn() - '0/0'::pg_lsn")"
