#!/usr/bin/env bash
# Runs lockword's jcstress suite and fails when any test shows a FORBIDDEN outcome or errors.
#
#   lock-stress/run-jcstress.sh [MODE] [extra jcstress options...]
#
# MODE (default: quick):
#   quick    jcstress's quick preset (5 x 200 ms per JVM configuration) without split per-actor
#            compilation (-sc false), which would otherwise multiply the configurations by ~3.5.
#            This is the mode CI runs on every push.
#   ci       quick, but in one JVM configuration only: C2 alone (-XX:-TieredCompilation) with C2's
#            LCM/GCM/IGVN/CCP randomizers, the mode most likely to reorder. (On JDK 17 jcstress
#            still runs it with and without biased locking.) For a tight time budget.
#   sanity   one very short iteration per configuration: checks that every test runs at all.
#   default, tough, stress
#            jcstress's own presets (default is what the weekly workflow runs).
# Extra options go to jcstress as they are, e.g. -t Issue465 (only the faulty-lock races) or
# -jvmArgs "-XX:-TieredCompilation" (one JVM configuration instead of jcstress's whole matrix).
#
# Uses java from JAVA_HOME (else PATH). Builds lock-stress/target/jcstress.jar if it is missing.
# Writes the console log, the HTML report and jcstress's result blob to
#   lock-stress/target/jcstress-results/<mode>-jdk<N>/   (override with JCSTRESS_RESULTS=dir)
# Race window: the faulty twins (Issue465RaceTests) show a corrupt word only when the reader's
# release landed in the window of parking_lot issue 465. The script prints, per faulty test, how
# many corrupt words it saw, and in every mode but sanity it FAILS (exit 1) when the faulty tests
# that ran saw none at all: then the run did not reach the window, and the fixed lock's green
# result there proves nothing. JCSTRESS_REQUIRE_RACE=0 turns the check off, =1 forces it on.
# Exit status: 0 no forbidden outcome, no error, window reached where required; 1 forbidden
# outcomes, test errors, or the window missed; 2 jcstress did not run to the end.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
jar="$here/target/jcstress.jar"

mode=${1:-quick}
if [ $# -gt 0 ]; then shift; fi
require_race=1
case "$mode" in
  quick) mode_args=(-m quick -sc false) ;;
  ci) mode_args=(-m quick -sc false -jvmArgs "-XX:+UnlockDiagnosticVMOptions -XX:-TieredCompilation -XX:+StressLCM -XX:+StressGCM -XX:+StressIGVN -XX:+StressCCP") ;;
  sanity) mode_args=(-m sanity); require_race=0 ;;
  default|tough|stress) mode_args=(-m "$mode") ;;
  -*) # no mode given, only options
      set -- "$mode" "$@"; mode=quick; mode_args=(-m quick -sc false) ;;
  *) echo "run-jcstress: unknown mode '$mode' (quick, ci, sanity, default, tough, stress)" >&2; exit 2 ;;
esac

if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
jdk=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')

if [ ! -f "$jar" ]; then
  echo "== run-jcstress: $jar is missing; building it"
  (cd "$root" && ./mvnw -B -ntp -q -pl lock-stress -am package -DskipTests)
fi

out=${JCSTRESS_RESULTS:-"$here/target/jcstress-results/$mode-jdk$jdk"}
rm -rf "$out"
mkdir -p "$out"
log="$out/console.log"

echo "== run-jcstress: mode $mode, JDK $jdk ($java), results in $out"
start=$(date +%s)
status=0
# jcstress writes its result blob into the working directory: run it from the results directory.
# The console shows only failures and progress totals; the whole output goes to the log.
set +e
# --enable-native-access: jcstress's JNA (CPU affinity) otherwise makes JDK 24+ warn in every fork.
(cd "$out" && "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" "${mode_args[@]}" \
   -jvmArgsPrepend "--enable-native-access=ALL-UNNAMED" -r "$out/html" "$@") 2>&1 | tee "$log" \
  | grep --line-buffered -E '^\s*\[(FAILED|ERROR)\]|^\s*\(Results:|FATAL'
statuses=("${PIPESTATUS[@]}")
set -e
rc=${statuses[0]} # jcstress itself: 1 when a test failed (it throws "TEST FAILURES" at the end)
elapsed=$(( $(date +%s) - start ))

summary=$(sed -n '/^RUN RESULTS:/,$p' "$log")
if [ -z "$summary" ]; then
  echo "== run-jcstress: jcstress did not complete (exit $rc) after ${elapsed}s; see $log" >&2
  tail -n 40 "$log" >&2
  exit 2
fi

echo "$summary" | sed -n '/^RUN RESULTS:/,/^  Failed tests:/p' | sed '$d'
totals=$(grep -E '^\(Results: ' "$log" | tail -n 1)
echo "== run-jcstress: $totals"

# Did the faulty twins reach the race window? Count the samples of their interesting (corrupt
# word) outcomes in the summary's "Interesting tests" section; a faulty test that ran but is not
# listed there saw none.
require_race=${JCSTRESS_REQUIRE_RACE:-$require_race}
faulty=$("$java" -jar "$jar" -l "$@" 2>/dev/null | grep -o 'io\.github\.lockword\.stress\.jcstress\.Issue465RaceTests\.[A-Za-z0-9]*' | sort -u || true)
race_total=0
if [ -n "$faulty" ]; then
  interesting=$(echo "$summary" | sed -n '/^  Interesting tests:/,/^  Failed tests:/p')
  for t in $faulty; do
    n=$(echo "$interesting" | awk -v t="$t" '
      /^\.\.\.\./ { inside = ($NF == t) ; next }
      inside { for (i = 3; i <= NF; i++) if ($i == "Interesting") { v = $(i-2); gsub(",", "", v); s += v; break } }
      END { print s + 0 }')
    race_total=$((race_total + n))
    echo "== run-jcstress: race window: ${t##*.} saw $n corrupt words (Issue465RaceTests, faulty lock)"
  done
  if [ "$race_total" -gt 0 ]; then
    echo "== run-jcstress: race window REACHED: the faulty twins saw $race_total corrupt words in mode $mode"
  elif [ "$require_race" = 1 ]; then
    echo "== run-jcstress: race window MISSED: the faulty twins saw no corrupt word in mode $mode, which must reach it" >&2
    status=1
  else
    echo "== run-jcstress: race window missed: no corrupt word on the faulty twins (not required in mode $mode)"
  fi
fi

if ! echo "$summary" | grep -q '^  Failed tests: No matches\.'; then
  echo "== run-jcstress: FORBIDDEN outcomes:" >&2
  echo "$summary" | sed -n '/^  Failed tests:/,/^  Error tests:/p' >&2
  status=1
fi
if ! echo "$summary" | grep -q '^  Error tests: No matches\.'; then
  echo "== run-jcstress: tests that errored:" >&2
  echo "$summary" | sed -n '/^  Error tests:/,/^  All remaining tests:/p' >&2
  status=1
fi
if [ "$status" -eq 0 ] && [ "$rc" -ne 0 ]; then
  echo "== run-jcstress: jcstress exited with $rc although no test failed; see $log" >&2
  exit 2
fi
if [ "$status" -eq 0 ]; then
  echo "== run-jcstress: PASSED in ${elapsed}s (no forbidden outcome, no error)"
else
  echo "== run-jcstress: FAILED in ${elapsed}s; report: $out/html/index.html" >&2
fi
exit "$status"
