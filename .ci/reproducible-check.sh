#!/usr/bin/env bash
# Builds the published modules (lock-core, lock-faults: jar, sources and javadoc jars) twice from
# clean with the JDK of JAVA_HOME and fails unless every jar has the same SHA-256 both times.
# project.build.outputTimestamp (parent pom) is what makes them equal. Prints the checksums.
# Usage: .ci/reproducible-check.sh [extra Maven arguments]     (about 1-2 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
START=$(date +%s)
SUMS=()
for build in 1 2; do
  echo "== reproducible: build $build"
  ./mvnw -B -ntp -q clean package -DskipTests -pl lock-core,lock-faults -am "$@"
  # Sleep past the second so that anything stamped with the build time would differ.
  SUMS[$build]=$(sha256sum lock-core/target/*.jar lock-faults/target/*.jar)
  sleep 2
done
echo "${SUMS[1]}"
if [ "${SUMS[1]}" != "${SUMS[2]}" ]; then
  echo "== reproducible: the two builds differ:" >&2
  diff <(echo "${SUMS[1]}") <(echo "${SUMS[2]}") >&2 || true
  exit 1
fi
echo "== reproducible: OK, $(wc -l <<<"${SUMS[1]}") jars identical in two builds ($(( $(date +%s) - START )) s)"
