# Sourced by ./jmachine, ./jmachine-engine, ./build and .ci/run: finds a JDK 21+.
# Order: $JAVA_HOME, the java on PATH, then every JDK under /usr/lib/jvm (newest first).
# Sets JMACHINE_JDK to the JDK's home and JMACHINE_JDK_MAJOR to its major version, or prints one line and returns 1.

JMACHINE_MIN_JAVA=21

# the major version of the JDK at $1, from its release file (read by bash itself: every launcher start asks, and a
# forked sed cost more than the read), else from java -version
jdk_major() {
  read_jdk_major "$1" || return 1
  printf '%s\n' "$JDK_MAJOR"
}

# sets JDK_MAJOR to jdk_major's answer without a subshell
read_jdk_major() {
  local home=$1 version= line
  JDK_MAJOR=
  [ -x "$home/bin/java" ] || return 1
  if [ -r "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line == JAVA_VERSION=\"* ]]; then
        version=${line#JAVA_VERSION=\"}
        version=${version%%\"*}
        break
      fi
    done <"$home/release"
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}
  JDK_MAJOR=${version%%[.+-]*}
}

# a JDK, not only a JRE: the build needs javac and jlink
is_usable_jdk() {
  local home=$1
  [ -x "$home/bin/javac" ] && [ -x "$home/bin/jlink" ] || return 1
  read_jdk_major "$home" || return 1
  [ -n "$JDK_MAJOR" ] && [ "$JDK_MAJOR" -ge "$JMACHINE_MIN_JAVA" ] 2>/dev/null
}

find_jdk() {
  local candidate java
  # $JAVA_HOME and the java on PATH first; the folder is listed only when neither is a JDK 21+
  if [ -n "${JAVA_HOME:-}" ] && is_usable_jdk "$JAVA_HOME"; then
    JMACHINE_JDK=$JAVA_HOME JMACHINE_JDK_MAJOR=$JDK_MAJOR
    return 0
  fi
  if java=$(command -v java); then
    java=$(readlink -f "$java")
    candidate=${java%/bin/java}
    if [ "$candidate" != "$java" ] && is_usable_jdk "$candidate"; then
      JMACHINE_JDK=$candidate JMACHINE_JDK_MAJOR=$JDK_MAJOR
      return 0
    fi
  fi
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do
      if is_usable_jdk "$candidate"; then
        JMACHINE_JDK=$candidate JMACHINE_JDK_MAJOR=$JDK_MAJOR
        return 0
      fi
    done < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -rV)
  fi
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
