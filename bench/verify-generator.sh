#!/usr/bin/env bash
# Checks the load generator's accounting against a server that cheats on purpose: bench/node-ws/flood.js sends
# each of 50 clients seqs 1..20001, silently leaves out every 1000th, announces every 1500th as a `gap` and sends
# every 777th twice. The generator must count exactly what the flooder injected: out of order = skipped,
# duplicated = duplicated, gap frames = gaps, event frames = frames sent - gap frames, and nothing foreign.
# Exit status 0 when every count matches. Port: BENCH_PORT (8102).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8102}
[ -d bench/node-ws/node_modules/ws ] || (cd bench/node-ws && npm ci --no-audit --no-fund >/dev/null)
if [ ! -f target/bench/classpath.txt ] || [ -n "$(find src/jmh -newer target/bench/classpath.txt -name '*.java' | head -1)" ]; then
  mvn -B -q -Pbench compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
    -Dmdep.includeScope=compile >&2
  touch target/bench/classpath.txt
fi
log=$(mktemp)
PORT=$port CLIENTS=50 LIMIT=20001 SKIP_EVERY=1000 GAP_EVERY=1500 DUP_EVERY=777 DURATION=120 \
  node bench/node-ws/flood.js >"$log" 2>&1 &
flood=$!
trap 'kill -TERM $flood 2>/dev/null || true; rm -f "$log"' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.2; done
result=$(java -cp "target/bench/classes:$(cat target/bench/classpath.txt)" dev.flowcast.bench.LoadGenerator \
  --scenario=flood --ws="ws://127.0.0.1:$port/ws" --clients=50 --topics=50 --warmup=0 --duration=15 | grep '^RESULT')
kill -TERM $flood
wait $flood || true
sent=$(grep -o 'flood sent {.*}' "$log")
field() { echo "$1" | grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2; }
frames=$(field "$sent" frames); skipped=$(field "$sent" skipped); dups=$(field "$sent" duplicated); gaps=$(field "$sent" gaps)
failed=0
check() { # NAME GOT WANT
  if [ "$2" = "$3" ]; then echo "ok   $1: $2"; else echo "FAIL $1: generator $2, flooder $3"; failed=1; fi
}
check "out of order (silently skipped seqs)" "$(field "$result" out_of_order)" "$skipped"
check "missing seqs" "$(field "$result" missing_seqs)" "$skipped"
check "duplicated" "$(field "$result" duplicated)" "$dups"
check "gap frames" "$(field "$result" gap_frames)" "$gaps"
check "event frames received" "$(field "$result" events_total)" "$((frames - gaps))"
check "foreign frames" "$(field "$result" foreign)" 0
check "errors" "$(field "$result" errors)" 0
exit $failed
