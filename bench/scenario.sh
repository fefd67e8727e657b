#!/usr/bin/env bash
# One benchmark scenario against one kind of server, start to finish: start the server(s) on 127.0.0.1, wait until
# ready, run the load generator (dev.flowcast.bench.LoadGenerator), stop the server(s) by PID.
#
#   bench/scenario.sh SERVER SCENARIO [generator options...]
#     SERVER    node      bench/node-ws/server.js (the reference, port 8100)
#               flowcast  java -jar target/flowcast-microbundle.jar (port 8110)
#               flowcast3 three Flowcast members in one Hazelcast cluster (ports 8110-8112), publishing through the first
#                         (to publish through all three, as behind a load balancer, add
#                         --publish=http://127.0.0.1:8110,http://127.0.0.1:8111,http://127.0.0.1:8112)
#               flood     bench/node-ws/flood.js (generator capacity, port 8101; scenario flood only)
#     SCENARIO  fanout | maxrate | idle5k | private5k | idle10k | cluster3 | flood (see docs/benchmarks.md)
#     extra options go to the generator and win over the scenario's (e.g. --duration=60 --server-gc)
#
# Needs: `mvn -B package -DskipTests` done for flowcast; `npm ci` in bench/node-ws for node/flood (done here if
# missing). FLOWCAST_PUBLISH_KEY and FLOWCAST_AUTH_SECRET are taken from the environment, or made up for the run.
# The report is printed and kept in target/bench/results/. Override ports with BENCH_PORT (first HTTP port) and
# BENCH_HZ_PORT (first Hazelcast port), the readiness wait with BENCH_READY_TIMEOUT (600 s: three Payara Micro
# members took over 300 s to start on a box with load average 20-30); the Hazelcast cluster name is unique to the run.
set -euo pipefail

server=${1:?usage: bench/scenario.sh node|flowcast|flowcast3|flood SCENARIO [options]}
scenario=${2:?usage: bench/scenario.sh node|flowcast|flowcast3|flood SCENARIO [options]}
shift 2
cd "$(dirname "$0")/.."
root=$(pwd)

export FLOWCAST_PUBLISH_KEY=${FLOWCAST_PUBLISH_KEY:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
export FLOWCAST_AUTH_SECRET=${FLOWCAST_AUTH_SECRET:-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')}
hz_port=${BENCH_HZ_PORT:-5960}
cluster="bench-$$-$RANDOM"
results="$root/target/bench/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$results/$server-$scenario-$stamp.txt"
# the servers' temporary files (a killed Payara Micro leaves its 161 MB runtime directory and WAR copy): removed below
tmp="$root/target/bench/tmp/$stamp-$$"
mkdir -p "$tmp"
pids=()

stop_servers() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true  # a Payara Micro JVM may hang on SIGTERM (FACTS.md)
  done
  rm -rf "$tmp"
}
trap stop_servers EXIT

wait_ready() { # URL SECONDS: until the URL answers 200
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "not ready after $2 s: $url" >&2; exit 1; fi
    sleep 1
  done
}

wait_port() { # PORT SECONDS
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "port $1 not open after $2 s" >&2; exit 1; fi
    sleep 0.2
  done
}

node_deps() { [ -d bench/node-ws/node_modules/ws ] || (cd bench/node-ws && npm ci --no-audit --no-fund >/dev/null); }

start_flowcast() { # INDEX MEMBERS
  local port=$((${BENCH_PORT:-8110} + $1))
  FLOWCAST_CLUSTER_NAME=$cluster FLOWCAST_CLUSTER_PORT=$((hz_port + $1)) FLOWCAST_CLUSTER_MEMBERS=$2 \
    FLOWCAST_CLIENT_MAX_CONNECTIONS=20000 \
    java ${FLOWCAST_JVM:-} -Djava.io.tmpdir="$tmp" -jar target/flowcast-microbundle.jar --port "$port" >"$results/$server-$stamp-member$1.log" 2>&1 &
  pids+=($!)
}

case $server in
  node)
    node_deps
    port=${BENCH_PORT:-8100}
    PORT=$port node bench/node-ws/server.js >"$results/$server-$stamp.log" 2>&1 &
    pids+=($!)
    wait_port "$port" 30
    targets=(--ws="ws://127.0.0.1:$port/ws" --publish="http://127.0.0.1:$port")
    ;;
  flood)
    node_deps
    port=${BENCH_PORT:-8101}
    PORT=$port CLIENTS=${FLOOD_CLIENTS:-100} DURATION=600 node bench/node-ws/flood.js >"$results/$server-$stamp.log" 2>&1 &
    pids+=($!)
    wait_port "$port" 30
    targets=(--ws="ws://127.0.0.1:$port/ws" --publish=none)
    ;;
  flowcast)
    [ -f target/flowcast-microbundle.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
    start_flowcast 0 ""
    port=${BENCH_PORT:-8110}
    wait_ready "http://127.0.0.1:$port/health/ready" "${BENCH_READY_TIMEOUT:-600}"
    targets=(--ws="ws://127.0.0.1:$port/ws" --publish="http://127.0.0.1:$port")
    ;;
  flowcast3)
    [ -f target/flowcast-microbundle.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
    members="127.0.0.1:$hz_port,127.0.0.1:$((hz_port + 1)),127.0.0.1:$((hz_port + 2))"
    base=${BENCH_PORT:-8110}
    ws=""
    for i in 0 1 2; do
      start_flowcast "$i" "$members"
      ws="$ws${ws:+,}ws://127.0.0.1:$((base + i))/ws"
    done
    for i in 0 1 2; do wait_ready "http://127.0.0.1:$((base + i))/health/ready" "${BENCH_READY_TIMEOUT:-600}"; done
    targets=(--ws="$ws" --publish="http://127.0.0.1:$base")
    ;;
  *) echo "unknown server $server" >&2; exit 2 ;;
esac

if [ ! -f target/bench/classpath.txt ] || [ -n "$(find src/jmh -newer target/bench/classpath.txt -name '*.java' | head -1)" ]; then
  mvn -B -q -Pbench compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
    -Dmdep.includeScope=compile >&2
  touch target/bench/classpath.txt # the plugin leaves an unchanged file untouched
fi
pid_list=$(IFS=,; echo "${pids[*]}")
if [ -n "${BENCH_PROFILE:-}" ] && [ "${#pids[@]}" -gt 0 ]; then
  # async-profiler on the (first) server for the measured window: BENCH_PROFILE=/path/to/libasyncProfiler.so
  # (from tools.profiler:async-profiler:4.1 on Maven Central), BENCH_PROFILE_EVENT=cpu|alloc|wall|lock.
  # Collapsed stacks land next to the report; bench/profile-summary.py reads them. The option string is quoted for
  # jcmd, whose parser otherwise cuts it at the first '=' (the agent then says "event must not be empty").
  profile_out="$results/$server-$scenario-$stamp.${BENCH_PROFILE_EVENT:-cpu}.collapsed"
  ( sleep "${BENCH_PROFILE_DELAY:-12}"
    jcmd "${pids[0]}" JVMTI.agent_load "$BENCH_PROFILE" \
      "\"start,event=${BENCH_PROFILE_EVENT:-cpu},interval=${BENCH_PROFILE_INTERVAL:-1000000},threads,timeout=${BENCH_PROFILE_SECONDS:-20},file=$profile_out,collapsed\"" \
      >/dev/null ) &
  echo "[scenario.sh] profiling ${pids[0]} into $profile_out" >&2
fi
echo "[scenario.sh] $server $scenario, server PIDs $pid_list, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out" >&2
java ${LOADGEN_JVM:--Xms512m -Xmx2g -XX:+UseParallelGC} -cp "target/bench/classes:$(cat target/bench/classpath.txt)" \
  dev.flowcast.bench.LoadGenerator --scenario="$scenario" "${targets[@]}" --server-pid="$pid_list" "$@" 2>&1 | tee -a "$out"
echo "[scenario.sh] report kept in $out" >&2
