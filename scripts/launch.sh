# Sourced by the ./jmachine and ./jmachine-engine launchers.
# launch MODULE JAR MAIN_CLASS [TRAINING_CLASS] [JVM_OPTION...] -- ARGS...
# Finds a JDK 21+, builds MODULE when its jar is missing or a source it is built from
# changed since the last build, then runs MAIN_CLASS from MODULE/target.

# shellcheck source=jdk.sh
. "$JMACHINE_ROOT/scripts/jdk.sh"

# the modules each launcher's module is built from (keep in step with the poms); the CLI also needs the
# engine bundle it uploads to machines, so it builds the engine module too
module_inputs() {
  case $1 in
    cli) echo "templates drivers drivers-cloud provisioner cli engine-agent" ;;
    *) echo "$1" ;;
  esac
}

# the Maven -pl list a launcher builds
modules_to_build() {
  case $1 in
    cli) echo "cli,engine-agent" ;;
    *) echo "$1" ;;
  esac
}

# a build is needed when the jar is missing, or a main source, bundle script or pom is newer than the last build: the
# launcher's own stamp, or the jar when ./build made it later
needs_build() {
  local module=$1 jar=$2 stamp=$3 dirs=() m reference
  [ -f "$jar" ] || return 0
  reference=$jar
  [ -f "$stamp" ] && [ "$stamp" -nt "$jar" ] && reference=$stamp
  for m in $(module_inputs "$module"); do dirs+=("$JMACHINE_ROOT/$m/src/main" "$JMACHINE_ROOT/$m/src/bundle" "$JMACHINE_ROOT/$m/pom.xml"); done
  [ -n "$(find "${dirs[@]}" "$JMACHINE_ROOT/pom.xml" -newer "$reference" -print -quit 2>/dev/null)" ]
}

build_module() {
  local module=$1 stamp=$2
  local mvn
  mvn=$(command -v mvn) || {
    echo "$(basename "$0"): Maven is needed to build $module on first use; install it (apt-get install maven) and run again" >&2
    return 1
  }
  echo "$(basename "$0"): building $module (first run, or its sources changed); the next start skips this" >&2
  (
    set -o pipefail
    flock 9
    # Maven 3.8's -q writes an ANSI reset around each line it lets through, whatever the colour settings: stripped
    JAVA_HOME=$JMACHINE_JDK MAVEN_OPTS=$(maven_opts_for_jdk) "$mvn" -q -B -Dstyle.color=never -f "$JMACHINE_ROOT/pom.xml" -DskipTests -pl "$(modules_to_build "$module")" -am package 2>&1 \
      | sed -u 's/\x1b\[[0-9;]*m//g' >&2 \
      || { echo "$(basename "$0"): the build of $module failed (output above); fix it, or run ./build to see the whole build" >&2; exit 1; }
    touch "$stamp"
  ) 9>"$JMACHINE_ROOT/.build.lock"
}

# an explicit, sorted class path: the cache is valid only for the exact class path it was written with. A library's
# copy in aot-lib (written with the cache, newer than the library) stands in for it.
class_path() { # target jar
  local target=$1 classpath=$1/$2 library copy
  for library in "$target"/lib/*.jar; do
    copy=$target/aot-lib/${library##*/}
    if [ -f "$copy" ] && [ "$copy" -nt "$library" ]; then classpath+=:$copy; else classpath+=:$library; fi
  done
  printf '%s' "$classpath"
}

cache_is_stale() { # target cache
  [ ! -f "$2" ] || [ -n "$(find "$1" -maxdepth 2 -name '*.jar' -newer "$2" -print -quit)" ]
}

# Sets STARTUP_CACHE to the JVM options that map a start-up cache of the program's classes.
# JDK 25+ with a training class: an ahead-of-time cache (classes loaded and linked, and method profiles) that a
# training run writes once after each build. Older JDKs: a dynamic CDS archive that the first run writes.
# A cache that fails to write or no longer matches the class path is skipped silently: it only costs speed.
# map the cache where it was written instead of moving it to a random address (the JDK's default since 20), which
# touches and patches its every page: 30 ms of CPU on each start of the CLI here, seconds in a TCG guest
MAP_IN_PLACE=(-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0)
startup_cache() {
  local target=$1 jar=$2 training=$3; shift 3
  local name=${jar%.jar}
  local cache=$target/$name.aot
  if [ -n "$training" ] && [ "$JMACHINE_JDK_MAJOR" -ge 25 ] 2>/dev/null; then
    if cache_is_stale "$target" "$cache"; then
      (
        flock 9
        cache_is_stale "$target" "$cache" || exit 0 # a launcher beside this one wrote it meanwhile
        rm -f "$cache"
        echo "$(basename "$0"): writing the start-up cache (once after each build; later starts are quicker)" >&2
        # copies of the libraries built for Java 5 (picocli), as Java 8 classes the cache can hold (see ClassVersions)
        rm -rf "$target/aot-lib"
        "$JMACHINE_JDK/bin/java" "$JMACHINE_ROOT/scripts/ClassVersions.java" "$target/aot-lib" "$target"/lib/*.jar >/dev/null 2>&1 \
          || rm -rf "$target/aot-lib"
        "$JMACHINE_JDK/bin/java" "$@" -XX:AOTCacheOutput="$cache" -Xlog:aot=off -Xlog:cds=off -cp "$(class_path "$target" "$jar")" "$training" >/dev/null 2>&1 \
          || rm -f "$cache"
        # AOTReplayTraining is a diagnostic flag a later JDK may drop, and a JVM refuses to start on a flag it does not know
        rm -f "$cache.no-replay"
        "$JMACHINE_JDK/bin/java" "${MAP_IN_PLACE[@]}" -XX:-AOTReplayTraining -version >/dev/null 2>&1 && touch "$cache.no-replay"
      ) 9>"$target/.startup-cache.lock"
    fi
    STARTUP_CACHE=(-Xlog:aot=off -Xlog:cds=off)
    # no replay of the training's compilations: at start the JVM would compile every method the training compiled, on
    # the same two cores, for a run of a second at most (60 ms of CPU for `env`, 120 ms for `ls`)
    if [ -f "$cache" ]; then
      STARTUP_CACHE+=("${MAP_IN_PLACE[@]}" -XX:AOTCache="$cache")
      [ -f "$cache.no-replay" ] && STARTUP_CACHE+=(-XX:-AOTReplayTraining)
    fi
  elif [ "${QUICK_RUN:-}" = 1 ]; then
    # the archive a --version run wrote would hold its few classes and, being valid, serve every later start
    STARTUP_CACHE=("${MAP_IN_PLACE[@]}" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
    if [ -f "$target/$name.jsa" ] && ! cache_is_stale "$target" "$target/$name.jsa"; then
      STARTUP_CACHE+=("-XX:SharedArchiveFile=$target/$name.jsa")
    fi
  else
    # the JVM leaves an archive of an older build in place (it only writes one where there is none): remove it
    if cache_is_stale "$target" "$target/$name.jsa"; then
      rm -f "$target/$name.jsa"
    fi
    STARTUP_CACHE=("${MAP_IN_PLACE[@]}" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$target/$name.jsa")
  fi
}

# launch MODULE JAR MAIN_CLASS [TRAINING_CLASS] [JVM_OPTION...] -- ARGS...
launch() {
  local module=$1 jar=$2 main=$3 training=; shift 3
  [[ ${1:-} == io.* ]] && { training=$1; shift; }
  local jvm_options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do jvm_options+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  find_jdk || exit 1
  # sun.misc.Unsafe stays allowed on JDK 24+. The CLI's cloud drivers bring Guava, which calls it: the JDK would warn on
  # stderr mid-create. The engine's Netty frees its buffers through it: without it Netty binds malloc and free
  # through the FFM linker at start, about 250 classes more (1-2 s of a first start in a TCG guest)
  if [ "$JMACHINE_JDK_MAJOR" -ge 24 ] 2>/dev/null; then
    jvm_options+=(--sun-misc-unsafe-memory-access=allow)
  fi
  local target=$JMACHINE_ROOT/$module/target
  local stamp=$target/.launcher-stamp
  if needs_build "$module" "$target/$jar" "$stamp"; then
    build_module "$module" "$stamp" || exit 1
  fi
  local QUICK_RUN=
  case "${1:-}" in --version | -v | --help | -h) QUICK_RUN=1 ;; esac
  startup_cache "$target" "$jar" "$training" "${jvm_options[@]}"
  exec "$JMACHINE_JDK/bin/java" "${jvm_options[@]}" "${STARTUP_CACHE[@]}" -cp "$(class_path "$target" "$jar")" "$main" "$@"
}
