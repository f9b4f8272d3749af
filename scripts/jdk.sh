# Sourced by ./jmachine, ./jmachine-engine, ./build and .ci/run: finds a JDK 21+.
# Order: $JAVA_HOME, the java on PATH, then every JDK under /usr/lib/jvm (newest first).
# Sets JMACHINE_JDK to the JDK's home, or prints one line and returns 1.

JMACHINE_MIN_JAVA=21

# the major version of the JDK at $1, from its release file (no JVM start), else from java -version
jdk_major() {
  local home=$1 version=
  [ -x "$home/bin/java" ] || return 1
  if [ -r "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}
  printf '%s\n' "${version%%[.+-]*}"
}

# a JDK, not only a JRE: the build needs javac and jlink
is_usable_jdk() {
  local home=$1 major
  [ -x "$home/bin/javac" ] && [ -x "$home/bin/jlink" ] || return 1
  major=$(jdk_major "$home") || return 1
  [ -n "$major" ] && [ "$major" -ge "$JMACHINE_MIN_JAVA" ] 2>/dev/null
}

find_jdk() {
  local candidate
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done \
      < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -rV)
  fi
  for candidate in "${candidates[@]}"; do
    if is_usable_jdk "$candidate"; then
      JMACHINE_JDK=$candidate
      return 0
    fi
  done
  echo "jmachine: no JDK $JMACHINE_MIN_JAVA or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm); install one (e.g. apt-get install openjdk-21-jdk-headless, or Temurin 21+) or set JAVA_HOME to it" >&2
  return 1
}

# Maven's own libraries call sun.misc.Unsafe, which JDK 24+ warns about on every build: quiet that
maven_opts_for_jdk() {
  local major
  major=$(jdk_major "$JMACHINE_JDK")
  if [ "$major" -ge 24 ] 2>/dev/null; then
    printf '%s\n' "${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  else
    printf '%s\n' "${MAVEN_OPTS:-}"
  fi
}
