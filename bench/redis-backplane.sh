#!/usr/bin/env bash
# The Redis backplane against the memory backplane, interleaved run by run: server CPU per
# delivery, publish-to-delivery latency on one node and across two nodes, and what Redis does per
# publish (commands and bytes, from INFO deltas). docs/benchmarks.md, "Redis backplane against
# memory", shows what it printed; docs/scaling.md uses the figures.
#
#   bench/redis-backplane.sh                       # 3 rounds, about 10 minutes
#   RUNS=1 SECONDS_MEASURED=10 bench/redis-backplane.sh
#   PREWARM=0 bench/redis-backplane.sh             # fresh JVMs, only the run's own warm-up
#
# Each round runs six cells, each with fresh servers:
#   memory-1      one node, memory backplane
#   redis-1       one node, Redis backplane, publisher and subscribers on it
#   redis-2       two nodes on one Redis: the publisher on node A, the subscribers on node B
# once with SUBSCRIBERS (300) subscribers at RATE (20) msg/s, once with FEW (10) at FEW_RATE (200)
# msg/s, where the per-publish work weighs more. The generator reports the CPU per delivery of the
# subscribers' node (--server-pid); for node A the script reads its CPU from /proc over the same
# window in which it reads Redis' counters.
#
# It starts its own Redis on an ephemeral port, without persistence, so nothing else's traffic
# counts, and stops it at the end. Redis' counters are read twice per cell (INFO stats and
# commandstats), WINDOW seconds apart, from COUNT_FROM seconds after the generator starts: inside
# the publishing (warm-up included) and after the subscribes, which read history from Redis too.
# What two INFO calls add by themselves is measured on the idle Redis and subtracted.
#
# Servers run in the production profile with a throwaway RSA key made here (the dev profile makes
# one key per node, and a token of one node would not verify on the other); the generator presents
# a token signed with it that may subscribe and publish everywhere. Servers are pinned to CPU 1,
# the generator and Redis to CPU 0, as in bench/run-suite.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SUBSCRIBERS=${SUBSCRIBERS:-300}
RATE=${RATE:-20}
FEW=${FEW:-10}
FEW_RATE=${FEW_RATE:-200}
SECONDS_MEASURED=${SECONDS_MEASURED:-15}
WARMUP=${WARMUP:-5}
COUNT_FROM=${COUNT_FROM:-8}
WINDOW=${WINDOW:-10}
# Seconds of publishing at full speed to the fresh node(s) before each measured run, from one
# connection, so that the per-publish paths are compiled too (0 for none): the measured run's own
# warm-up at 20 msg/s makes about 100 publishes, which leaves them in the interpreter, while its
# 30,000 deliveries compile the per-delivery path.
PREWARM=${PREWARM:-8}
lean_jvm="-XX:+UseSerialGC -Xms64m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
lean_jvm="$lean_jvm -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000"
PARLEY_JAVA_OPTS=${PARLEY_JAVA_OPTS:-$lean_jvm}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
read -r -a parley_java_opts <<< "$PARLEY_JAVA_OPTS"
server_cpu=()
load_cpu=()
if [ "$(nproc)" -ge 2 ] && command -v taskset > /dev/null; then
  server_cpu=(taskset -c 1)
  load_cpu=(taskset -c 0)
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/redis-$stamp
mkdir -p "$out"
results=$out/results.jsonl
harness=(java -Xmx1g -jar test-harness/target/parley-test-harness-0.1.0-SNAPSHOT-all.jar)
[ -f server/target/quarkus-app/quarkus-run.jar ] && [ -f "${harness[3]}" ] || {
  echo "build first: ./mvnw -B -q -o install -DskipTests"
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pids=()
redis_port=$(free_port)
cleanup() {
  stop_nodes
  redis-cli -p "$redis_port" shutdown nosave > /dev/null 2>&1 || true
}
trap cleanup EXIT

${load_cpu[@]+"${load_cpu[@]}"} redis-server --port "$redis_port" --bind 127.0.0.1 --save "" \
  --appendonly no --daemonize yes --pidfile "$out/redis.pid" --logfile "$out/redis.log"
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break; sleep 0.1; done

# The token issuer: an RSA key, its public half for the servers, one RS256 token for the generator.
openssl genrsa -out "$out/issuer-key.pem" 2048 2> /dev/null
openssl rsa -in "$out/issuer-key.pem" -pubout -out "$out/issuer.pem" 2> /dev/null
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
claims=$(printf '{"iss":"https://parley-bench.local","aud":"parley","sub":"bench","iat":%d,"exp":%d,"jti":"%s","channels":["*"],"publish":["*"],"groups":["publisher"]}' \
  "$now" $((now + 6 * 3600)) "$stamp" | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$out/issuer-key.pem" | b64url)
printf '%s.%s.%s' "$header" "$claims" "$signature" > "$out/token"

node_pid=
node_port=
start_node() { # label backplane -> sets node_pid, node_port
  local port
  port=$(free_port)
  ${server_cpu[@]+"${server_cpu[@]}"} java "${parley_java_opts[@]}" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dmp.jwt.verify.publickey.location="$out/issuer.pem" \
    -Dmp.jwt.verify.issuer=https://parley-bench.local -Dmp.jwt.verify.audiences=parley \
    -Drealtime.limits.max-connections-per-user=1000000 -Drealtime.limits.max-connections=1000000 \
    -Dquarkus.log.category.\"io.parley.connections\".level=WARN \
    -Drealtime.backplane="$2" -Dquarkus.redis.hosts=redis://127.0.0.1:"$redis_port" \
    -Drealtime.redis.key-prefix=bench: \
    -jar server/target/quarkus-app/quarkus-run.jar > "$out/$1.log" 2>&1 &
  # taskset execs java, so $! is the server's own pid (for /proc).
  node_pid=$!
  node_port=$port
  pids+=("$node_pid")
}

stop_nodes() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2> /dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2> /dev/null || true; done
  pids=()
}

await_ready() { # pid port label
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$2/q/health/ready" > /dev/null && return 0
    kill -0 "$1" 2> /dev/null || { tail -20 "$out/$3.log"; exit 1; }
    sleep 0.25
  done
  echo "$3 did not become ready"
  exit 1
}

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# One INFO snapshot: "name value" lines for the counters used.
redis_counters() {
  redis-cli -p "$redis_port" info everything | tr -d '\r' | awk -F'[:,=]' '
    /^total_net_input_bytes:/ { print "in", $2 }
    /^total_net_output_bytes:/ { print "out", $2 }
    /^total_commands_processed:/ { print "commands", $2 }
    /^cmdstat_/ { sub(/^cmdstat_/, "", $1); print "cmd_" $1, $3 }'
}

delta() { # before-file after-file -> JSON object of after - before
  awk 'NR == FNR { before[$1] = $2; next }
       { d = $2 - before[$1]; if (d != 0) printf "%s\"%s\":%d", (n++ ? "," : "{"), $1, d }
       END { print (n ? "}" : "{}") }' "$1" "$2"
}

# What two INFO calls cost Redis' counters by themselves, nothing else running: subtract it from
# each cell's delta. Measured again at the end, when INFO's answer also lists the commands the
# cells ran (about 3 KB longer); the memory cells' deltas measure the same.
info_cost() {
  redis_counters > "$out/idle-a"
  sleep 1
  redis_counters > "$out/idle-b"
  echo "INFO's own share of a delta ($1): $(delta "$out/idle-a" "$out/idle-b")" \
    | tee -a "$out/info-cost.txt"
}
info_cost start

run_cell() { # label backplane nodes subscribers rate
  local label=$1 backplane=$2 nodes=$3 subs=$4 rate=$5
  local a_pid a_port b_pid b_port publish_args=() a_before a_after gen
  start_node "$label-b" "$backplane"
  b_pid=$node_pid b_port=$node_port
  if [ "$nodes" = 2 ]; then
    start_node "$label-a" "$backplane"
    a_pid=$node_pid a_port=$node_port
    await_ready "$a_pid" "$a_port" "$label-a"
    publish_args=(--publish-server "http://127.0.0.1:$a_port")
  fi
  await_ready "$b_pid" "$b_port" "$label-b"
  if [ "$PREWARM" -gt 0 ]; then
    ${load_cpu[@]+"${load_cpu[@]}"} "${harness[@]}" bench --server "http://127.0.0.1:$b_port" \
      ${publish_args[@]+"${publish_args[@]}"} --scenario fanout --connections 1 --rate 0 \
      --seconds "$PREWARM" --token-file "$out/token" > "$out/$label.prewarm" 2>&1
  fi
  ${load_cpu[@]+"${load_cpu[@]}"} "${harness[@]}" bench --server "http://127.0.0.1:$b_port" \
    ${publish_args[@]+"${publish_args[@]}"} --scenario fanout --connections "$subs" \
    --rate "$rate" --seconds "$SECONDS_MEASURED" --warmup "$WARMUP" --server-pid "$b_pid" \
    --token-file "$out/token" > "$out/$label.out" 2>&1 &
  gen=$!
  pids+=("$gen") # stopped with the nodes if the script ends early
  sleep "$COUNT_FROM"
  redis_counters > "$out/$label.before"
  [ "$nodes" = 2 ] && a_before=$(cpu_ticks "$a_pid")
  sleep "$WINDOW"
  redis_counters > "$out/$label.after"
  [ "$nodes" = 2 ] && a_after=$(cpu_ticks "$a_pid")
  wait "$gen" || { cat "$out/$label.out"; exit 1; }
  local extra="\"label\":\"$label\",\"backplane\":\"$backplane\",\"nodes\":$nodes"
  extra="$extra,\"window\":$WINDOW,\"redis\":$(delta "$out/$label.before" "$out/$label.after")"
  if [ "$nodes" = 2 ]; then
    extra="$extra,\"publishNodeCpuMsInWindow\":$(((a_after - a_before) * 1000 / $(getconf CLK_TCK)))"
  fi
  head -n 1 "$out/$label.out" | sed "s/^{/{$extra,/" | tee -a "$results"
  stop_nodes
}

echo "pre-warm: ${PREWARM} s at full speed before each cell"
echo "pinning: servers ${server_cpu[*]:-unpinned}, generator and Redis ${load_cpu[*]:-unpinned}"
echo "redis on port $redis_port; results in $results"
for run in $(seq 1 "$RUNS"); do
  for cell in "$SUBSCRIBERS $RATE" "$FEW $FEW_RATE"; do
    read -r subs rate <<< "$cell"
    for setup in "memory 1" "redis 1" "redis 2"; do
      read -r backplane nodes <<< "$setup"
      label="r$run-$backplane-$nodes-s$subs"
      echo "run $run: $backplane, $nodes node(s), $subs subscribers at $rate msg/s ($(cut -d' ' -f1-3 /proc/loadavg))"
      run_cell "$label" "$backplane" "$nodes" "$subs" "$rate"
    done
  done
done
info_cost end
