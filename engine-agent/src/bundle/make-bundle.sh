#!/usr/bin/env bash
# Builds the engine bundle that the provisioner uploads to guests, so that no guest needs Java:
#   jmachine-engine-bundle.tar.gz = jmachine-engine/{bin/jmachine-engine, runtime/ (jlink), lib/*.jar}
# Usage: make-bundle.sh JAVA_HOME TARGET_DIR VERSION
set -euo pipefail
java_home=$1 target=$2 version=$3
stage=$target/bundle/jmachine-engine
rm -rf "$target/bundle"
mkdir -p "$stage/bin" "$stage/lib"

# what the engine's jars need of the JDK (java.naming for Netty's resolver, jdk.unsupported for
# Netty's and the signal handler's sun.misc, java.management for JMX-free platform beans,
# java.net.http for the registry client);
# JDK 21 still keeps the EC provider in its own module, later JDKs in java.base
modules=java.base,java.logging,java.naming,java.management,java.net.http,jdk.unsupported
if "$java_home/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then modules=$modules,jdk.crypto.ec; fi

# start-up speed over size: guests often run under TCG, where every class the JVM loads costs ten times more. So a
# default class-data archive (which the launcher's dynamic archive also needs as its base) and uncompressed modules
# (the tarball compresses them anyway); the archive for heaps over 32 GiB is dropped, the engine caps its heap
"$java_home/bin/jlink" --add-modules "$modules" --output "$stage/runtime" \
  --strip-debug --no-header-files --no-man-pages --generate-cds-archive >/dev/null
rm -f "$stage/runtime/lib/server/classes_nocoops.jsa"

cp "$target/jmachine-engine.jar" "$target"/lib/*.jar "$stage/lib/"
cat >"$stage/bin/jmachine-engine" <<'LAUNCHER'
#!/bin/sh
# jmachine-engine from its bundle: the bundled Java runtime, no Java on the host needed
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# a small, long-lived daemon: a bounded heap that gives memory back, C1 only (less memory, quick warm-up)
exec "$here/runtime/bin/java" -XX:+UseSerialGC -Xms8m -Xmx384m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Xss512k \
  -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off \
  -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$here/jmachine-engine.jsa" \
  -cp "$here/lib/*" io.jmachine.engine.EngineMain "$@"
LAUNCHER
chmod 755 "$stage/bin/jmachine-engine"
echo "$version" >"$stage/VERSION"

tar -C "$target/bundle" -czf "$target/jmachine-engine-bundle.tar.gz" jmachine-engine
echo "engine bundle: $target/jmachine-engine-bundle.tar.gz ($(du -h "$target/jmachine-engine-bundle.tar.gz" | cut -f1), $(du -sh "$stage" | cut -f1) unpacked)"
