#!/usr/bin/env bash
# Runs a lock-bench profile and renders its report into lock-bench/results/.
#
#   lock-bench/run-bench.sh smoke   [JMH options...]   # ~2 minutes on 2 cores: is everything alive?
#   lock-bench/run-bench.sh targets [JMH options...]   # ~4 minutes, 1 fork: just what the targets need
#       The targets (lock-bench/README.md, "Benchmarks"): uncontended read and write within
#       1.15x the floor; at 100:0 and 95:5 at least 2.5x rrwl, at least stamped-rw, and the
#       floor within 1.3x rwlock; at 0:100 at least rrwl; writer p99 under a reader flood at
#       most rrwl's; at most 32 bytes per lock before the views are requested.
#   lock-bench/run-bench.sh report  [JMH options...]   # ~10 minutes, 1 fork: every contender
#   lock-bench/run-bench.sh full    [JMH options...]   # the whole matrix, 2 forks: about an hour
#
# Extra arguments go to every JMH invocation, after the profile's own, so they win:
# e.g. `-t 16` (threads of Contended/CatalogBench), `-f 3`, `-jvm /path/to/java`,
# `-prof gc`. Environment:
#   JAVA=/path/to/java   JVM that runs JMH and the forks (default: java on PATH)
#   BUILD=1              rebuild target/benchmarks.jar first (it is built when missing)
#   ROUNDS=N             run the profile's steps N times in turn (default 1) and pool the
#                        rounds as extra forks: on a shared machine, bursts of other work then
#                        hit every contender instead of a few
#
# Writes, for profile P:
#   results/P.json            JMH results of all steps (histograms stripped to keep it small)
#   results/P-footprint.json  bytes per lock (JOL)
#   results/P.md              Markdown report: tables relative to ReentrantReadWriteLock
#   results/P.svg             chart of the same
#   results/raw/              untrimmed JMH JSON and logs of the run (not committed)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
profile=${1:-}
case "$profile" in
  smoke|targets|report|full) shift ;;
  *) echo "usage: $0 smoke|targets|report|full [JMH options...]" >&2; exit 2 ;;
esac
extra=("$@")

java=${JAVA:-java}
jar="$here/target/benchmarks.jar"
results="$here/results"
raw="$results/raw"
mkdir -p "$raw"

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$jar" ]; then
  echo "== building $jar"
  if [ -x "$root/mvnw" ]; then mvn=("$root/mvnw"); else mvn=(mvn); fi
  (cd "$root" && "${mvn[@]}" -B -ntp -q -pl lock-bench -am package -DskipTests)
fi

# Profile: common JMH options, then one step per benchmark class with its own parameters.
# A step is "ClassRegex|jmh options"; parameters not given keep the class's defaults.
case "$profile" in
  smoke)
    common=(-f 1 -wi 1 -w 500ms -i 2 -r 500ms)
    steps=(
      "Uncontended|-p contender=rwlock,rrwl,stamped-rw,floor"
      "Contended|-p contender=rwlock,rrwl,stamped-rw,floor -p mix=100:0,95:5 -p work=100"
      "WriterLatency|-p contender=rwlock,rrwl"
      "TimedWrite|-p contender=rwlock,rrwl -p work=10000"
      "CatalogBench|-p contender=rwlock,rrwl,chm -p mix=95:5"
    )
    ;;
  targets)
    common=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    steps=(
      "Uncontended|-p contender=rwlock,rrwl,stamped-rw,floor"
      "Contended|-p contender=rwlock,rrwl,stamped-rw,floor -p mix=100:0,95:5,0:100 -p work=0,100"
      "WriterLatency|-p contender=rwlock,rrwl"
      "WriterLatency|-p contender=rwlock,rrwl -tg 1,1"
    )
    ;;
  report)
    common=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    steps=(
      "Uncontended|"
      "Contended|-p contender=rwlock,rwlock-fair,rrwl,stamped-rw,stamped-opt,synchronized,floor -p work=0,100"
      "WriterLatency|"
      "WriterLatency|-tg 1,1"
      "TimedWrite|-p work=10000"
      "CatalogBench|-p mix=95:5"
    )
    ;;
  full)
    common=()
    steps=(
      "Uncontended|"
      "Contended|"
      "ReadersWriters|"
      "WriterLatency|"
      "WriterLatency|-tg 1,1"
      "TimedWrite|"
      "CatalogBench|"
    )
    ;;
esac

start=$(date +%s)
# Other work on the machine skews every number: say how busy it was.
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
jsons=()
rounds=${ROUNDS:-1}
for round in $(seq 1 "$rounds"); do
n=0
for step in "${steps[@]}"; do
  cls=${step%%|*}
  read -r -a opts <<< "${step#*|}"
  n=$((n + 1))
  out="$raw/$profile-$n-$cls-r$round.json"
  echo "== $profile, round $round/$rounds: $cls ${opts[*]:-} ${common[*]:-} ${extra[*]:-}"
  "$java" -jar "$jar" "io\.github\.lockword\.bench\.$cls\." "${common[@]}" "${opts[@]}" "${extra[@]}" \
      -rf json -rff "$out" 2>&1 | tee "${out%.json}.log" | grep -E '^(# Run progress|Benchmark |[A-Z][A-Za-z]+\.[a-z]+[: ])' || true
  [ -s "$out" ] || { echo "== $cls produced no results, see ${out%.json}.log" >&2; exit 1; }
  jsons+=("$out")
done
done

echo "== footprint"
# JOL sizes objects through Instrumentation, got by attaching to its own JVM.
"$java" -Djdk.attach.allowAttachSelf=true -XX:+IgnoreUnrecognizedVMOptions -XX:+EnableDynamicAgentLoading \
    -cp "$jar" io.github.lockword.bench.Footprint --json "$results/$profile-footprint.json" 2>"$raw/$profile-footprint.log"

# What the report says about where it ran.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
jvm=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p' | head -n1)
python3 "$here/report/render.py" \
    --profile "$profile" \
    --machine "${cpu:-unknown CPU}, $(nproc) cores, $(uname -sr); load average ${load_start} before the run" \
    --command "$( [ "$rounds" = 1 ] || echo "ROUNDS=$rounds ")lock-bench/run-bench.sh $profile${extra[*]:+ ${extra[*]}}" \
    --footprint "$results/$profile-footprint.json" \
    --out-json "$results/$profile.json" \
    --out-md "$results/$profile.md" \
    --out-svg "$results/$profile.svg" \
    "${jsons[@]}"
echo "== $profile done in $(( $(date +%s) - start )) s on JVM ${jvm:-?}: $results/$profile.md, $results/$profile.svg"
