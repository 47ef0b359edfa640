#!/usr/bin/env bash
# The benchmark suite: Parley (native /ws and Socket.IO) against the Node reference Socket.IO
# server and netty-socketio, interleaved A B C D, A B C D ... so that a noisy neighbour hurts every
# server alike. Builds everything it needs (Parley, the harness, both peers; npm for Node), runs
# each scenario RUNS times per server, writes the JSON lines to bench/results/<time>.jsonl and a
# Markdown report with PNG charts to bench/results/<time>/.
#
#   bench/run-suite.sh                 # full sizes (takes a while; wants an otherwise idle machine)
#   SIZE=small bench/run-suite.sh      # a few hundred connections, for a quick look
#   PIN=0 bench/run-suite.sh           # without CPU pinning
#   SUITE=compression RUNS=1 bench/run-suite.sh  # permessage-deflate off and on, 64 B and 16 KB
#                                      # payloads, 300 subscribers (SUBSCRIBERS), 20 msg/s (RATE)
#
# On a machine with 2 or more CPUs (and taskset), each server runs on the second CPU the script may
# use (CPU 1 here) and the load generator on the first (CPU 0): sharing both cores, they competed
# for them and CPU per delivery swung by about ±20% from run to run. Both JVM servers get the same
# options (PARLEY_JAVA_OPTS, NETTY_JAVA_OPTS); a JVM on one CPU would pick the serial collector by
# itself, the options say so explicitly.
#
# Fan-out and channels publish for a warm-up (10 s at full size) before the measured window, on
# every server alike: a fresh JVM runs its first messages in the interpreter, and those would
# otherwise be the slowest 1 % of a paced run. Cold figures: run the harness with --warmup 0.
#
# Parley verifies a JWT on every connection: it runs in the dev profile, which makes a throwaway
# key at startup and writes a token for every channel to bench/results/<time>/dev-token; the load
# generator presents it (--token-file). The Node and netty peers take no token.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-2}
SIZE=${SIZE:-full}
# main: every server, every scenario. compression: fan-out of 64 B and 16 KB payloads with
# permessage-deflate off and on, Parley (both transports) against Node socket.io.
SUITE=${SUITE:-main}
PIN=${PIN:-1}
# Parley's documented settings for many idle connections (docs/configuration.md), for both JVMs.
lean_jvm="-XX:+UseSerialGC -Xms64m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
lean_jvm="$lean_jvm -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000"
PARLEY_JAVA_OPTS=${PARLEY_JAVA_OPTS:-$lean_jvm}
NETTY_JAVA_OPTS=${NETTY_JAVA_OPTS:-$lean_jvm}
# glibc's malloc arenas per thread, for every server alike (see docs/configuration.md).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
read -r -a parley_java_opts <<< "$PARLEY_JAVA_OPTS"
read -r -a netty_java_opts <<< "$NETTY_JAVA_OPTS"
allowed_cpus() { # the CPUs this script may run on, one per line ("0-1", "2,5" -> 0 1, 2 5)
  local part
  for part in $(awk '/^Cpus_allowed_list/ {gsub(",", " ", $2); print $2}' /proc/self/status); do
    if [[ $part == *-* ]]; then seq "${part%-*}" "${part#*-}"; else echo "$part"; fi
  done
}
mapfile -t cpus < <(allowed_cpus)
server_cpu=()
load_cpu=()
pinning="none"
if [ "$PIN" != 0 ] && [ "${#cpus[@]}" -ge 2 ] && command -v taskset > /dev/null; then
  server_cpu=(taskset -c "${cpus[1]}")
  load_cpu=(taskset -c "${cpus[0]}")
  pinning="servers on CPU ${cpus[1]}, load generator on CPU ${cpus[0]}"
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=bench/results/$stamp.jsonl
mkdir -p bench/results/$stamp

if [ "$SUITE" = compression ]; then
  fanout_subs=${SUBSCRIBERS:-300}; seconds=10; warmup=3
elif [ "$SIZE" = small ]; then
  fanout_subs=200; idle_conns=2000; channel_subs=1000; seconds=10; warmup=3
else
  fanout_subs=1000; idle_conns=10000; channel_subs=10000; seconds=30; warmup=10
fi

echo "building Parley, the harness and the peers"
./mvnw -B -q -pl server,test-harness -am package -DskipTests \
  -Dspotless.check.skip=true -Dcheckstyle.skip=true
[ "$SUITE" = main ] && ./mvnw -B -q -f bench/peers/netty-socketio/pom.xml package
(cd bench/peers/node-socketio && npm ci --no-audit --no-fund --silent)
harness=(java -Xmx2g -jar test-harness/target/parley-test-harness-0.1.0-SNAPSHOT-all.jar)
echo "pinning: $pinning"
echo "PARLEY_JAVA_OPTS: $PARLEY_JAVA_OPTS"
echo "NETTY_JAVA_OPTS: $NETTY_JAVA_OPTS"
echo "MALLOC_ARENA_MAX: $MALLOC_ARENA_MAX"

port=18600
token_file=bench/results/$stamp/dev-token
server_pid=
# A failed step (set -e) must not leave its server running on the port for the next suite.
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; true' EXIT
compression=off # the compression suite sets it per cell: on offers and accepts permessage-deflate
start_server() { # label -> sets server_pid, protocol
  case "$1" in
    parley-native|parley-socketio)
      rm -f "$token_file"
      # taskset execs the command, so $! stays the server's own pid (for /proc and jcmd).
      ${server_cpu[@]+"${server_cpu[@]}"} java "${parley_java_opts[@]}" \
        -Dquarkus.http.port=$port -Dquarkus.http.host=127.0.0.1 \
        -Dquarkus.profile=dev -Drealtime.auth.dev.token-file="$token_file" \
        -Drealtime.limits.max-connections-per-user=1000000 -Drealtime.limits.max-connections=1000000 \
        -Drealtime.websocket-compression=$([ "$compression" = on ] && echo true || echo false) \
        -jar server/target/quarkus-app/quarkus-run.jar > bench/results/$stamp/$1.log 2>&1 &
      server_pid=$! ;;
    node-socketio)
      COMPRESSION=$compression ${server_cpu[@]+"${server_cpu[@]}"} \
        node bench/peers/node-socketio/server.js $port \
        > bench/results/$stamp/$1.log 2>&1 &
      server_pid=$! ;;
    netty-socketio)
      ${server_cpu[@]+"${server_cpu[@]}"} java "${netty_java_opts[@]}" \
        -jar bench/peers/netty-socketio/target/peer-netty-socketio.jar $port \
        > bench/results/$stamp/$1.log 2>&1 &
      server_pid=$! ;;
  esac
  protocol=socket-io
  [ "$1" = parley-native ] && protocol=native
  token_args=()
  case "$1" in parley-*) token_args=(--token-file "$token_file") ;; esac
  for _ in $(seq 1 120); do
    # Parley writes its dev token after it listens: wait for both, or the harness cannot read it.
    ready=1
    case "$1" in parley-*) [ -s "$token_file" ] || ready=0 ;; esac
    [ $ready = 1 ] && grep -qi "listening" bench/results/$stamp/$1.log && return 0
    kill -0 $server_pid 2>/dev/null || { cat bench/results/$stamp/$1.log; exit 1; }
    sleep 0.5
  done
  echo "$1 did not start"; exit 1
}

bench() { # label scenario connections rate [more harness options]
  ${load_cpu[@]+"${load_cpu[@]}"} "${harness[@]}" bench --server http://127.0.0.1:$port \
    --protocol $protocol --scenario $2 --connections $3 --rate $4 --seconds $seconds \
    --warmup $warmup "${@:5}" \
    --server-pid $server_pid ${token_args[@]+"${token_args[@]}"} \
    | head -n 1 | sed "s/^{/{\"label\":\"$1\",/" | tee -a "$results"
}

if [ "$SUITE" = compression ]; then
  for run in $(seq 1 "$RUNS"); do
    for payload in 64 16384; do
      for compression in off on; do
        for label in parley-native parley-socketio node-socketio; do
          echo "run $run: $label, $payload B, compression $compression"
          start_server $label
          bench $label fanout $fanout_subs ${RATE:-20} --payload-bytes $payload \
            --compression $compression
          kill $server_pid; wait $server_pid 2>/dev/null || true
        done
      done
    done
  done
  compression=off
fi

for run in $(seq 1 "$RUNS"); do
  [ "$SUITE" = main ] || break
  for label in parley-native parley-socketio node-socketio netty-socketio; do
    echo "run $run: $label"
    for scenario in "fanout $fanout_subs 10" "fanout $fanout_subs 0" "channels $channel_subs 200" \
                    "connect $fanout_subs 0" "idle $idle_conns 0"; do
      start_server $label
      bench $label $scenario
      kill $server_pid; wait $server_pid 2>/dev/null || true
    done
  done
done

"${harness[@]}" bench-report --results "$results" --reference node-socketio \
  --charts bench/results/$stamp > bench/results/$stamp/report.md
echo "report: bench/results/$stamp/report.md"
