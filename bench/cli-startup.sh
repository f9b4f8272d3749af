#!/usr/bin/env bash
# Benchmark: wall time of the quick CLI verbs, JVM start included, as a user runs them through ./jmachine.
# `ls` over 10 machines whose engine answers over mutual TLS (one jmachine-engine on loopback that all ten point
# at, with a server certificate from the store's CA), and `env`, `inspect -f`, `version`. Medians of RUNS runs
# (default 10). Prints one line per figure; bounded; removes everything it made.
#   bench/cli-startup.sh            (as root, from anywhere)
# Targets (issues 5, 12): `jmachine ls` with 10 machines <= 0.5 s; `jmachine env` <= 0.3 s (wall, on an idle host).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
RUNS=${RUNS:-10}
MACHINES=${MACHINES:-10}
WORK=$(mktemp -d /tmp/jm-cli-bench.XXXXXX)
STORE=$WORK/store
ENGINE_PID=

cleanup() {
  set +e
  [ -n "$ENGINE_PID" ] && kill -TERM "$ENGINE_PID" 2>/dev/null
  [ -n "$ENGINE_PID" ] && for _ in $(seq 50); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

export DOCKER_CONFIG=$WORK/docker-config # the machines' docker contexts stay in the work folder
JM=("$ROOT/jmachine" -s "$STORE")

"${JM[@]}" version >/dev/null # builds the CLI and writes its start-up cache when needed, outside the timing
"$ROOT/jmachine-engine" --version >/dev/null

PORT=$(free_port)
# a bridge subnet no other engine on this host routes already (the engine refuses an overlapping one)
ROUTES=$(ip route)
BIP=
for n in $(seq 197 254); do grep -q "^10\.$n\.0\.0/" <<<"$ROUTES" || { BIP=10.$n.0.0/24; break; }; done
for i in $(seq "$MACHINES"); do "${JM[@]}" create -d none --url "tcp://127.0.0.1:$PORT" "bench$i" >/dev/null 2>&1; done
# a server certificate from the store's CA, so the engine accepts the machines' client certificate
CERTS=$STORE/certs
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
  -keyout "$WORK/server-key.pem" -out "$WORK/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$WORK/server.ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" -CAcreateserial \
  -days 1 -extfile "$WORK/server.ext" -out "$WORK/server.pem" 2>/dev/null
setsid "$ROOT/jmachine-engine" -H "tcp://127.0.0.1:$PORT" --tlsverify --tlscacert "$CERTS/ca.pem" \
  --tlscert "$WORK/server.pem" --tlskey "$WORK/server-key.pem" --data-root "$WORK/data" --exec-root "$WORK/exec" \
  --bridge jmclibench0 --bip "$BIP" >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
for _ in $(seq 150); do "${JM[@]}" ls 2>/dev/null | grep -q 'bench1 .* v[0-9]' && break; sleep 0.2; done
"${JM[@]}" ls | grep -q 'bench1 .* v[0-9]' || { echo "the engine did not answer the machines over TLS:"; tail "$WORK/engine.log"; exit 1; }
answering=$("${JM[@]}" ls -q --filter state=Running | wc -l)
# untimed rounds first (WARM_ROUNDS, default 30): a machine's engine is long-lived, and this one's first few hundred
# handshakes (its TLS code run and compiled for the first time, on the same two cores as the CLI) would be counted as
# the CLI's: 30-100 ms of the median after 5 rounds. WARM_ROUNDS=0 measures against an engine that just started.
for _ in $(seq "${WARM_ROUNDS:-30}"); do "${JM[@]}" ls >/dev/null 2>&1; done

# wall and CPU (user + system, the command's processes) milliseconds of one run: on a host whose cores other work
# shares, the wall time grows with their load and the CPU time much less, so the two together say which it was
wall_cpu_ms() {
  local t0 t1 cpu
  t0=$(now_ms)
  cpu=$( ("$@" >/dev/null 2>&1; times) | tail -n 1 | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } printf "%.0f", s * 1000 }')
  t1=$(now_ms)
  awk -v a="$t0" -v b="$t1" -v c="$cpu" 'BEGIN { printf "%.1f %s\n", b - a, c }'
}

figure() { # label target command...
  local label=$1 target=$2; shift 2
  local runs wall cpu
  runs=$(for _ in $(seq "$RUNS"); do wall_cpu_ms "$@"; done)
  wall=$(awk '{ print $1 }' <<<"$runs" | median)
  cpu=$(awk '{ print $2 }' <<<"$runs" | median)
  printf '%-44s %6s ms   cpu %5s ms   (target %s)\n' "$label" "$wall" "$cpu" "$target"
}
echo "== jmachine CLI wall time, JVM start included (median of $RUNS; $(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg); JDK $("$ROOT/jmachine" version | sed -n 's/.*(Java \(.*\))/\1/p'))"
figure "ls, $MACHINES machines ($answering answering over TLS)" "<= 500 ms" "${JM[@]}" ls
figure "env bench1" "<= 300 ms" "${JM[@]}" env bench1
figure "inspect -f {{.DriverName}} bench1" "-" "${JM[@]}" inspect -f '{{.DriverName}}' bench1
figure "version" "-" "${JM[@]}" version
# the JVM alone: a hello world with the launcher's JVM flags, on the JDK's own class archive (none of jmachine's classes)
. "$ROOT/scripts/jdk.sh"
find_jdk
mkdir -p "$WORK/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$WORK/hello/Hello.java"
"$JMACHINE_JDK/bin/javac" -d "$WORK/hello" "$WORK/hello/Hello.java"
figure "JVM alone (hello world, the launcher's flags)" "-" "$JMACHINE_JDK/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  --enable-native-access=ALL-UNNAMED -Xlog:cds=off -cp "$WORK/hello" Hello
echo "== load at the end: $(cut -d' ' -f1 /proc/loadavg)"
