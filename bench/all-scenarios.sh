#!/usr/bin/env bash
# Every scenario of docs/benchmarks.md, against the Node reference and Flowcast, one after the other (55 min
# on the busy shared machine, mostly Payara start-ups), then the generator's own capacity against the flooder. Reports land in
# target/bench/results/; `grep -h '^RESULT' target/bench/results/*.txt` gives one machine-readable line per run.
# Needs `mvn -B package -DskipTests` first. Extra arguments go to every generator run (e.g. --duration=60).
set -uo pipefail
cd "$(dirname "$0")/.."
run() { echo "=== $*" >&2; bench/scenario.sh "$@" || echo "=== failed: $*" >&2; }
for server in node flowcast; do
  gc=(); [ "$server" = flowcast ] && gc=(--server-gc) # live heap per connection too, after a full GC (jcmd)
  run "$server" fanout "$@"
  run "$server" maxrate "$@"
  run "$server" idle5k "${gc[@]}" "$@"
  run "$server" private5k "$@"
  run "$server" idle10k "${gc[@]}" "$@"
done
run flowcast3 cluster3 "$@"
run flood flood "$@"
FRAMES=1 FLOOD_CLIENTS=1000 run flood flood --clients=1000 --topics=1000 "$@"
