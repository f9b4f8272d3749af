#!/usr/bin/env bash
# Fuzzes each Jazzer target for a bounded time (default 60 s each), with coverage guidance, and keeps what it finds.
#   bench/fuzz.sh [SECONDS]
# ./build verify runs only the corpora (src/test/resources/.../*FuzzTestInputs) as regression tests; this runs the
# fuzzer itself (JAZZER_FUZZ=1), one target at a time. A crash is written as a new input beside the corpus
# (…Inputs/<method>/crash-*): fix the bug, keep the input, and it becomes a regression test in every build.
# Needs a JDK whose classes Jazzer's instrumentation can read: its ASM reads up to JDK 24 (set JAVA_HOME to one);
# on JDK 25 it runs, but without coverage of JDK classes.
set -euo pipefail
JMACHINE_ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$JMACHINE_ROOT"
SECONDS_EACH=${1:-60}
TARGETS=(
  "engine-agent io.jmachine.engine.archive.TarExtractorFuzzTest#nothingIsWrittenOutsideTheRoot"
  "engine-agent io.jmachine.engine.build.BuildInputFuzzTest#anyDockerfileParsesOrIsRefused"
  "engine-agent io.jmachine.engine.build.BuildInputFuzzTest#anyDockerignoreMatchesAnyPath"
  "engine-agent io.jmachine.engine.container.ApiBodyFuzzTest#aContainerCreateBodyIsTakenOrRefused"
  "engine-agent io.jmachine.engine.container.ApiBodyFuzzTest#aNetworkCreateBodyIsTakenOrRefused"
  "engine-agent io.jmachine.engine.container.ApiBodyFuzzTest#buildArgsSubstituteIntoAnyWord"
  "engine-agent io.jmachine.engine.container.ApiBodyFuzzTest#anyFiltersQueryIsCheckedOrRefusedOnEveryList"
  "cli io.jmachine.cli.format.GoTemplateFuzzTest#anyTemplateRendersOrIsRefusedByName"
)
./build -q -pl engine-agent,cli -am test-compile
failed=0
for target in "${TARGETS[@]}"; do
  module=${target%% *}
  test=${target#* }
  echo "== $test (${SECONDS_EACH}s)"
  # maxDuration in the annotation bounds a run too; -Djazzer.max_duration overrides it
  if ! JAZZER_FUZZ=1 ./build -q -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="${SECONDS_EACH}s" >"/tmp/jm-fuzz-${test##*#}.log" 2>&1; then
    echo "   FOUND A CRASH: see /tmp/jm-fuzz-${test##*#}.log and the crash-* input beside the corpus"
    failed=1
  else
    grep -Eo '#[0-9]+ +DONE.*|Done [0-9]+ runs.*' "/tmp/jm-fuzz-${test##*#}.log" | tail -1 || true
  fi
done
exit $failed
