#!/usr/bin/env bash
# A real dockerd beside jmachine-engine, the reference the engine's ITs can also run against
# (-Djmachine.peer.host=unix:///run/jm-peer/docker.sock). Its own roots, socket and bridge, no iptables
# rules, so it never collides with the engine or touches the host's networking.
#   scripts/peer-dockerd.sh start    starts it (installing Debian's docker.io, dockerd 20.10, when missing)
#   scripts/peer-dockerd.sh stop     stops it and removes its bridge; its data root stays for the next start
set -euo pipefail
RUN=/run/jm-peer
DATA=/var/tmp/jm-peer-dockerd
BRIDGE=jmpeer0
NET=10.231.250
SOCK=$RUN/docker.sock

case "${1:-}" in
  start)
    command -v dockerd >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q --no-install-recommends docker.io >&2; }
    mkdir -p "$RUN" "$DATA"
    if [ -f "$RUN/dockerd.pid" ] && kill -0 "$(cat "$RUN/dockerd.pid")" 2>/dev/null; then echo "unix://$SOCK"; exit 0; fi
    ip link show "$BRIDGE" >/dev/null 2>&1 || { ip link add "$BRIDGE" type bridge; ip addr add "$NET.1/24" dev "$BRIDGE"; }
    ip link set "$BRIDGE" up
    setsid dockerd --data-root "$DATA" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" -H "unix://$SOCK" \
      --bridge "$BRIDGE" --fixed-cidr "$NET.0/24" --iptables=false --ip-masq=false >"$RUN/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 120); do
      DOCKER_HOST=unix://$SOCK docker version >/dev/null 2>&1 && { echo "unix://$SOCK"; exit 0; }
      sleep 0.5
    done
    echo "dockerd did not answer on $SOCK; the end of $RUN/dockerd.log:" >&2; tail -n 20 "$RUN/dockerd.log" >&2; exit 1
    ;;
  stop)
    if [ -f "$RUN/dockerd.pid" ]; then
      pid=$(cat "$RUN/dockerd.pid"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    ip link del "$BRIDGE" 2>/dev/null || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
