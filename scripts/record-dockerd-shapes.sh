#!/usr/bin/env bash
# Records the JSON dockerd 20.10 answers to the steps of ResponseShapeIT (inspect and list of containers, images,
# networks, volumes, exec, info, version, df, events) into the IT's resources; ResponseShapeIT then compares
# jmachine-engine's answers to these by shape. Runs against the peer dockerd (scripts/peer-dockerd.sh start).
#   scripts/record-dockerd-shapes.sh [unix:///run/jm-peer/docker.sock]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PEER=${1:-unix:///run/jm-peer/docker.sock}
OUT=$ROOT/engine-agent/src/test/resources/io/jmachine/engine/shapes
DOCKER_HOST=$PEER docker version --format '{{.Server.Version}}' | grep -q '^20\.10\.' \
  || { echo "$PEER is not dockerd 20.10, the reference the recording must come from" >&2; exit 1; }
mkdir -p "$OUT"
"$ROOT/build" -pl engine-agent -am verify -Dit.test=ResponseShapeIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Djmachine.peer.host="$PEER" -Djmachine.shapes.record="$OUT"
echo "recorded $(ls "$OUT" | wc -l) responses into $OUT"
