#!/usr/bin/env bash
# Builds the engine bundle that the provisioner uploads to guests, so that no guest needs Java:
#   jmachine-engine-bundle.tar.gz = jmachine-engine/{bin/jmachine-engine, runtime/ (jlink), lib/*.jar}
# Usage: make-bundle.sh JAVA_HOME TARGET_DIR VERSION
set -euo pipefail
trap 'echo "make-bundle.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR # Maven shows only the exit status
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

# guests often run under TCG, where every class the JVM loads costs ten times more: a default class-data archive, which
# the launcher's dynamic archive needs as its base (removed below when an ahead-of-time cache is made), and compressed
# modules (the engine's classes come from the archives, all but 8 of the JDK's, and a guest's first boot reads,
# digests and copies every byte of the bundle).
# The base is dumped with the launcher's module options: one made without --enable-native-access (as jlink's
# --generate-cds-archive makes it) turns off the archived module graph.
"$java_home/bin/jlink" --add-modules "$modules" --output "$stage/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6
# the JVM's own symbols, 4 of its 29 MB (the guest unpacks every byte at first boot); without binutils it stays as it is
strip --strip-unneeded "$stage/runtime/lib/server/libjvm.so" 2>/dev/null || true
"$stage/runtime/bin/java" -Xshare:dump -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED >/dev/null

# Netty frees its buffers through sun.misc.Unsafe where the runtime allows it (see ../../../scripts/launch.sh); a
# runtime older than JDK 23 does not know the option, and a JVM refuses to start on an option it does not know
unsafe_access=
"$stage/runtime/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && unsafe_access=--sun-misc-unsafe-memory-access=allow

cp "$target/jmachine-engine.jar" "$target"/lib/*.jar "$stage/lib/"
# picocli's classes are Java 5 classes, which no class-data archive holds: rewritten as Java 8 classes with stack maps
# (../../../scripts/ClassVersions.java), they are archived like the rest, where a first start in a TCG guest spent
# 2.5 s loading and verifying them from the jar. Before JDK 24 (no class-file API) the rewrite fails; the jar stays.
rewritten=$target/bundle/rewritten
if "$java_home/bin/java" "$(dirname "$0")/../../../scripts/ClassVersions.java" "$rewritten" "$stage"/lib/*.jar >/dev/null 2>&1; then
  for jar in "$rewritten"/*.jar; do [ -f "$jar" ] && cp "$jar" "$stage/lib/"; done
fi
rm -rf "$rewritten"
cat >"$stage/bin/jmachine-engine" <<'LAUNCHER'
#!/bin/sh
# jmachine-engine from its bundle: the bundled Java runtime, no Java on the host needed
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# an explicit, sorted class path: the class-data archive maps only for the class path it was written with, and
# a lib/* wildcard expands in directory order, which differs from one unpacked copy to the next
# (in the C locale: the host that wrote the archive and the guest that maps it may sort differently otherwise)
classpath=$(LC_ALL=C; for jar in "$here"/lib/*.jar; do printf '%s:' "$jar"; done)
classpath=${classpath%:}
# a small, long-lived daemon: a bounded heap that gives memory back (at once when the engine collects on going
# quiet: -ShrinkHeapInSteps, and to 10 % free), C1 only (less memory, quick warm-up), for methods run four times as
# often as its default (less compiled code kept after a burst of containers; see ./jmachine-engine). The class-data
# archives are mapped where they were written (ArchiveRelocationMode=0), not moved: moving them touches their every
# page, which read and patched 37 MB in 9.5 s of a first start in a TCG guest, against 0.01 s mapped in place.
# A young generation of 2 MiB and one malloc arena: what a burst of containers leaves resident (see ./jmachine-engine).
# Reflection through the JVM's own accessors, as the CLI's: the JDK's default spins method handles and classes for
# each method and constructor first called reflectively (picocli's options, Jackson's records), 0.6 s of a first
# start in a TCG guest (58 classes fewer)
export MALLOC_ARENA_MAX=1
set -- -cp "$classpath" io.jmachine.engine.EngineMain "$@"
# the start-up cache the bundle was built with: an ahead-of-time cache (JDK 25: classes loaded and linked; the
# training's compilations not replayed, which would compile on the CPUs the first start needs), or a dynamic
# class-data archive; JMACHINE_ENGINE_AOT_OUTPUT is for make-bundle.sh's training run
if [ -f "$here/jmachine-engine.aot" ]; then
  set -- -Xlog:aot=off -Xlog:cds=off "-XX:AOTCache=$here/jmachine-engine.aot" -XX:-AOTReplayTraining "$@"
elif [ -n "${JMACHINE_ENGINE_AOT_OUTPUT:-}" ]; then
  # no machine code in it (adapters, stubs): it is made for this host's CPU, and a guest's may lack its instructions
  set -- "-XX:AOTCacheOutput=$JMACHINE_ENGINE_AOT_OUTPUT" -XX:-AOTAdapterCaching -XX:-AOTStubCaching "$@"
else
  set -- -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$here/jmachine-engine.jsa" "$@"
fi
exec "$here/runtime/bin/java" -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:+UseSerialGC -Xms8m -Xmx384m -XX:MaxNewSize=2m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=10 -XX:-ShrinkHeapInSteps -Xss512k \
  -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=4 -Djdk.reflect.useNativeAccessorOnly=true --enable-native-access=ALL-UNNAMED @UNSAFE_ACCESS@ "$@"
LAUNCHER
sed -i "s|@UNSAFE_ACCESS@ |${unsafe_access:+$unsafe_access }|" "$stage/bin/jmachine-engine"
chmod 755 "$stage/bin/jmachine-engine"
echo "$version" >"$stage/VERSION"

# A start-up cache from a short run of the bundled engine (start, the calls a docker CLI makes first, SIGTERM), which
# the launcher maps wherever the bundle is unpacked: an ahead-of-time cache where the runtime makes one (JDK 25; in a
# TCG guest a first start took 6-6.5 s and 7.4-7.7 s of CPU with it, 6.9-8.7 s and 8.4-10.5 s with the dynamic
# archive), else a dynamic class-data archive. Without either, a guest's first engine start,
# under TCG most of a minute without it, then loads its classes from the archive. The run listens on TCP with mutual
# TLS, as a machine's engine does, and is called over it: otherwise the ~600 classes of the JDK's TLS and key
# handling and Netty's SSL handler are left out, and a guest's first start loads them from the jars (seconds under
# TCG). Without openssl, or when that run fails (the port taken), it runs on the unix socket only; without curl, or
# when that fails too, the bundle goes without; the engine then writes the archive at its first stop, as before.
train_class_data_archive() { # tls|plain aot|jsa
  command -v curl >/dev/null 2>&1 || return 0
  local work pid path tls=$1 kind=$2 port=$((20000 + RANDOM % 20000)) flags=() call=() base aot_output=
  work=$(mktemp -d)
  if [ "$tls" = tls ]; then
    command -v openssl >/dev/null 2>&1 || { rm -rf "$work"; return 0; }
    make_training_certificates "$work" || { rm -rf "$work"; return 0; }
    flags=(-H "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$work/ca.pem" --tlscert "$work/server.pem" --tlskey "$work/server-key.pem")
    call=(--cacert "$work/ca.pem" --cert "$work/client.pem" --key "$work/client-key.pem") base=https://127.0.0.1:$port
  else
    call=(--unix-socket "$work/engine.sock") base=http://engine
  fi
  if [ "$kind" = aot ]; then aot_output=$stage/jmachine-engine.aot; fi
  JMACHINE_ENGINE_AOT_OUTPUT=$aot_output "$stage/bin/jmachine-engine" -H "unix://$work/engine.sock" "${flags[@]}" \
    --data-root "$work/data" --exec-root "$work/exec" --bridge jmtrain0 --bip 10.194.0.0/24 >"$work/engine.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    curl -fsS "${call[@]}" "$base/_ping" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  for path in /version /info '/images/json' '/containers/json?all=1' /networks /volumes /system/df; do
    curl -fsS "${call[@]}" "$base$path" >/dev/null 2>&1 || true
  done
  kill -TERM "$pid" 2>/dev/null || true # an engine that could not start (no runc on this host) is gone already
  # an engine that failed leaves no half cache
  wait "$pid" 2>/dev/null || rm -f "$stage/jmachine-engine.jsa" "$stage/jmachine-engine.aot" "$stage/jmachine-engine.aot.config"
  rm -rf "$work"
}
# a throwaway CA, server (127.0.0.1) and client certificate, EC P-256 keys as jmachine's own CA makes them
make_training_certificates() {
  local dir=$1 ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1)
  openssl req -x509 "${ec[@]}" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" -subj /CN=jmtrain-ca 2>/dev/null &&
  openssl req "${ec[@]}" -keyout "$dir/server-key.pem" -out "$dir/server.csr" -subj /CN=127.0.0.1 2>/dev/null &&
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 1 \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') -out "$dir/server.pem" 2>/dev/null &&
  openssl req "${ec[@]}" -keyout "$dir/client-key.pem" -out "$dir/client.csr" -subj /CN=jmtrain-client 2>/dev/null &&
  openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 1 \
    -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$dir/client.pem" 2>/dev/null
}
for kind in aot jsa; do
  if [ "$kind" = aot ] && ! "$stage/runtime/bin/java" -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching -version >/dev/null 2>&1; then
    continue # a runtime before JDK 25
  fi
  train_class_data_archive tls "$kind"
  [ -f "$stage/jmachine-engine.$kind" ] || train_class_data_archive plain "$kind"
  if [ -f "$stage/jmachine-engine.$kind" ]; then break; fi
done
# with an ahead-of-time cache the default archive serves nothing: the cache holds the JDK's classes the engine loads, and
# the JVM maps one or the other; 14 MB fewer for a guest's first boot to digest and copy
if [ -f "$stage/jmachine-engine.aot" ]; then rm -f "$stage/runtime/lib/server/classes.jsa"; fi

tar -C "$target/bundle" -czf "$target/jmachine-engine-bundle.tar.gz" jmachine-engine
echo "engine bundle: $target/jmachine-engine-bundle.tar.gz ($(du -h "$target/jmachine-engine-bundle.tar.gz" | cut -f1), $(du -sh "$stage" | cut -f1) unpacked)"
