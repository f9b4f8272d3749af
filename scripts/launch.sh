# Sourced by the ./jmachine and ./jmachine-engine launchers.
# launch MODULE JAR MAIN_CLASS [JVM_OPTION...] -- ARGS...
# Finds a JDK 21+, builds MODULE when its jar is missing or a source it is built from
# changed since the last build, then runs MAIN_CLASS from MODULE/target.

# shellcheck source=jdk.sh
. "$JMACHINE_ROOT/scripts/jdk.sh"

# the modules each launcher's module is built from (keep in step with the poms); the CLI also needs the
# engine bundle it uploads to machines, so it builds the engine module too
module_inputs() {
  case $1 in
    cli) echo "templates drivers provisioner cli engine-agent" ;;
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

# a build is needed when the jar is missing, or a main source or pom is newer than the last build: the launcher's
# own stamp, or the jar when ./build made it later
needs_build() {
  local module=$1 jar=$2 stamp=$3 dirs=() m reference
  [ -f "$jar" ] || return 0
  reference=$jar
  [ -f "$stamp" ] && [ "$stamp" -nt "$jar" ] && reference=$stamp
  for m in $(module_inputs "$module"); do dirs+=("$JMACHINE_ROOT/$m/src/main" "$JMACHINE_ROOT/$m/pom.xml"); done
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
    flock 9
    JAVA_HOME=$JMACHINE_JDK MAVEN_OPTS=$(maven_opts_for_jdk) "$mvn" -q -B -Dstyle.color=never -f "$JMACHINE_ROOT/pom.xml" -DskipTests -pl "$(modules_to_build "$module")" -am package >&2 \
      || { echo "$(basename "$0"): the build of $module failed (output above); fix it, or run ./build to see the whole build" >&2; exit 1; }
    touch "$stamp"
  ) 9>"$JMACHINE_ROOT/.build.lock"
}

launch() {
  local module=$1 jar=$2 main=$3; shift 3
  local jvm_options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do jvm_options+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  find_jdk || exit 1
  local target=$JMACHINE_ROOT/$module/target
  local stamp=$target/.launcher-stamp
  if needs_build "$module" "$target/$jar" "$stamp"; then
    build_module "$module" "$stamp" || exit 1
  fi
  exec "$JMACHINE_JDK/bin/java" "${jvm_options[@]}" -cp "$target/$jar:$target/lib/*" "$main" "$@"
}
