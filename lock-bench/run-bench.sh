#!/usr/bin/env bash
# Runs a lock-bench profile and renders its report into lock-bench/results/.
#
# Durations below are on 2 cores, estimated from the points a profile runs and the ~6 s (1 fork,
# 2 x 1 s warmup, 3 x 1 s measured, JVM start) and ~17 s (2 forks, 3 x 1 s + 5 x 1 s) that a
# point took in earlier runs.
#
#   lock-bench/run-bench.sh smoke   [JMH options...]   # ~2 minutes: is everything alive?
#   lock-bench/run-bench.sh targets [JMH options...]   # ~13 minutes a round (128 points), 1 fork:
#       just what the targets need (read-biased lock included); ROUNDS=2: ~26 minutes. The targets
#       (lock-bench/README.md): uncontended read and write within 1.15x the floor; Contended at
#       every mix (100:0, 95:5, 50:50, 0:100) x work 0 and 100 x 2 and 8 threads at least the
#       better of rrwl and stamped-rw; at 50:50 and 0:100 at least 0.9x the better of
#       ReentrantLock and synchronized; at 100:0 and 95:5, work 100, at least 2.5x rrwl; writer
#       p99 under a reader flood (1 and 2 readers + 1 writer) at most rrwl's; at most 32 bytes
#       per lock before the views are requested. Plus the scaling chart's points at 1, 2, 4,
#       8, 16 threads (Contended 95:5 work 100; CatalogBench 95:5) and Guards with -prof gc.
#   lock-bench/run-bench.sh report  [JMH options...]   # ~10 minutes, 1 fork: every contender, 2 threads
#   lock-bench/run-bench.sh full    [JMH options...]   # the whole matrix, 2 forks, Contended and
#       CatalogBench at 1, 2, 4, 8 and 16 threads: 796 points, about 4 hours (THREADS=2: 232 points,
#       about 65 minutes)
#
# Extra arguments go to every JMH invocation and replace the profile's own options of the same
# name (JMH refuses an option given twice; -p and -prof are added to the profile's instead):
# e.g. `-f 3`, `-wi 0 -i 1 -r 100ms`, `-jvm /path/to/java`, `-prof gc`. `-t N` sets the threads of Contended and
# CatalogBench in every step: fine for smoke and report, but in targets and full it would
# collapse their per-thread-count steps into one count; use THREADS there. Environment:
#   JAVA=/path/to/java   JVM that runs JMH and the forks (default: java on PATH)
#   THREADS="1 2 4 8 16" thread counts of the scaling steps (default shown): full runs Contended
#                        and CatalogBench once per count; targets runs its scaling points once
#                        per count (its target points always run at 2 and 8 threads)
#   DRY=1                print the profile's JMH invocations and stop (no build, no run)
#   BUILD=1              rebuild target/benchmarks.jar first (it is built when missing)
#   ROUNDS=N             run the profile's steps N times in turn (default 1) and pool the
#                        rounds as extra forks: on a shared machine, bursts of other work then
#                        hit every contender instead of a few
#
# Writes, for profile P:
#   results/P.json            JMH results of all steps (histograms stripped to keep it small)
#   results/P-footprint.json  bytes per lock (JOL)
#   results/P.md              Markdown report: tables relative to ReentrantReadWriteLock
#   results/P.svg             chart of the same, every panel on its own scale
#   results/P-scaling.svg     throughput against thread count, one line per contender
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

if [ "${DRY:-0}" != 1 ] && { [ "${BUILD:-0}" = 1 ] || [ ! -f "$jar" ]; }; then
  echo "== building $jar"
  if [ -x "$root/mvnw" ]; then mvn=("$root/mvnw"); else mvn=(mvn); fi
  (cd "$root" && "${mvn[@]}" -B -ntp -q -pl lock-bench -am package -DskipTests)
fi

# Profile: common JMH options, then one step per benchmark class with its own parameters.
# A step is "ClassRegex|jmh options"; parameters not given keep the class's defaults.
read -r -a thread_counts <<< "${THREADS:-1 2 4 8 16}"
for t in "${thread_counts[@]}"; do
  [[ "$t" =~ ^[1-9][0-9]*$ ]] || { echo "THREADS must be positive integers, got '$t'" >&2; exit 2; }
done
# Appends a step once per thread count: per_threads "Class|options" N...
per_threads() {
  local step=$1 t
  shift
  for t in "$@"; do steps+=("$step -t $t"); done
}
case "$profile" in
  smoke)
    common=(-f 1 -wi 1 -w 500ms -i 2 -r 500ms)
    steps=(
      "Uncontended|-p contender=rwlock,rrwl,stamped-rw,floor"
      "Contended|-p contender=rwlock,rrwl,stamped-rw,floor -p mix=100:0,95:5 -p work=100"
      "WriterLatency|-p contender=rwlock,rrwl"
      "TimedWrite|-p contender=rwlock,rrwl -p work=10000"
      "CatalogBench|-p contender=rwlock,rrwl,chm -p mix=95:5"
      "Contended|-p contender=rwlock,rrwl -p mix=95:5 -p work=100 -t 4"
      "Guards|-prof gc"
    )
    ;;
  targets)
    common=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    steps=("Uncontended|-p contender=rwlock,rrwl,stamped-rw,floor")
    # The target points: every mix x work 0, 100 at 2 and 8 threads; the mutexes only where
    # writes are frequent enough for them to matter.
    for t in 2 8; do
      steps+=("Contended|-p contender=rwlock,rwlock-biased,rrwl,stamped-rw -p mix=100:0,95:5 -p work=0,100 -t $t")
      steps+=("Contended|-p contender=rwlock,rrwl,stamped-rw,reentrant,synchronized -p mix=50:50,0:100 -p work=0,100 -t $t")
    done
    # The scaling chart's points at the other thread counts (2 and 8 come from the steps above).
    scaling=()
    for t in "${thread_counts[@]}"; do [ "$t" = 2 ] || [ "$t" = 8 ] || scaling+=("$t"); done
    per_threads "Contended|-p contender=rwlock,rwlock-biased,rrwl,stamped-rw -p mix=95:5 -p work=100" "${scaling[@]}"
    per_threads "CatalogBench|-p contender=rwlock,rwlock-biased,rrwl,stamped-rw,chm -p mix=95:5" "${thread_counts[@]}"
    steps+=(
      "WriterLatency|-p contender=rwlock,rrwl"
      "WriterLatency|-p contender=rwlock,rrwl -tg 1,1"
      "Guards|-prof gc"
    )
    ;;
  report)
    common=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    steps=(
      "Uncontended|"
      "Contended|-p contender=rwlock,rwlock-fair,rwlock-biased,rrwl,stamped-rw,stamped-opt,synchronized,floor -p work=0,100"
      "WriterLatency|"
      "WriterLatency|-tg 1,1"
      "TimedWrite|-p work=10000"
      "CatalogBench|-p mix=95:5"
    )
    ;;
  full)
    common=()
    steps=("Uncontended|")
    per_threads "Contended|" "${thread_counts[@]}"
    steps+=(
      "ReadersWriters|"
      "WriterLatency|"
      "WriterLatency|-tg 1,1"
      "TimedWrite|"
    )
    per_threads "CatalogBench|" "${thread_counts[@]}"
    steps+=("Guards|-prof gc")
    ;;
esac

# Options in the extra arguments replace the profile's (JMH takes most options only once);
# -p and -prof add to them.
overridden=" "
for a in "${extra[@]}"; do
  case "$a" in -p|-prof) ;; -*) overridden+="$a " ;; esac
done
# drop_overridden NAME: removes the "-option value" pairs that the extra arguments replace.
drop_overridden() {
  local -n args=$1
  local kept=() i=0
  while [ "$i" -lt "${#args[@]}" ]; do
    if [[ "${args[$i]}" == -* && "$overridden" == *" ${args[$i]} "* ]]; then
      i=$((i + 2))
    else
      kept+=("${args[$i]}")
      i=$((i + 1))
    fi
  done
  args=("${kept[@]}")
}
drop_overridden common

if [ "${DRY:-0}" = 1 ]; then
  for step in "${steps[@]}"; do
    read -r -a opts <<< "${step#*|}"
    drop_overridden opts
    echo "$java -jar $jar 'io\.github\.lockword\.bench\.${step%%|*}\.' ${common[*]:-} ${opts[*]:-} ${extra[*]:-}"
  done
  exit 0
fi

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
  drop_overridden opts
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
    --command "$( [ "$rounds" = 1 ] || echo "ROUNDS=$rounds ")$( [ -z "${THREADS:-}" ] || echo "THREADS=\"$THREADS\" ")lock-bench/run-bench.sh $profile${extra[*]:+ ${extra[*]}}" \
    --footprint "$results/$profile-footprint.json" \
    --out-json "$results/$profile.json" \
    --out-md "$results/$profile.md" \
    --out-svg "$results/$profile.svg" \
    --out-scaling-svg "$results/$profile-scaling.svg" \
    "${jsons[@]}"
echo "== $profile done in $(( $(date +%s) - start )) s on JVM ${jvm:-?}: $results/$profile.md, $results/$profile.svg, $results/$profile-scaling.svg"
