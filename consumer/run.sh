#!/usr/bin/env bash
# Proves lockword works for a user who gets it from a Maven repository, with the JDK of JAVA_HOME
# (or the java on PATH):
#   1. deploys lock-core (and the parent POM it names) into the file repository
#      target/staging-repo, with sources and javadoc jars; nothing is installed into ~/.m2;
#   2. builds consumer/ (not a module of the reactor) against that repository only, with its own
#      local repository consumer/target/m2 from which every io.github.lockword artifact is deleted
#      first, and runs its Main with lock-core on the module path (requires io.github.lockword)
#      and then on the class path.
# The deploy uses target/staging-m2 as its local repository, with ~/.m2/repository as a read-only
# tail (Maven 3.9), so the deployer's metadata does not land in ~/.m2 either.
# Fails (non-zero exit) if any step fails or lock-core did not come from target/staging-repo.
# .ci/run calls it in both JDK passes. Usage: consumer/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
STAGING=$ROOT/target/staging-repo
LOCAL=$ROOT/consumer/target/m2
# The project's version: the <version> right after the parent's artifactId.
VERSION=$(sed -n '/<artifactId>lockword-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' pom.xml)
[ -n "$VERSION" ] || { echo "consumer/run.sh: no version found in pom.xml" >&2; exit 1; }
START=$(date +%s)

echo "== consumer: deploy lock-core $VERSION to $STAGING"
rm -rf "$STAGING" "$ROOT/target/staging-m2"
./mvnw -B -ntp -q -pl lock-core -am -DskipTests -Dmaven.install.skip=true \
  -Dmaven.repo.local="$ROOT/target/staging-m2" -Dmaven.repo.local.tail="$HOME/.m2/repository" \
  -DaltDeploymentRepository="staging::file://$STAGING" deploy
DIR=$STAGING/io/github/lockword/lock-core/$VERSION
for kind in .jar -sources.jar -javadoc.jar .pom; do
  ls "$DIR"/lock-core-*"$kind" >/dev/null 2>&1 || { echo "consumer/run.sh: no lock-core *$kind in $DIR" >&2; exit 1; }
done
ls "$STAGING/io/github/lockword/lockword-parent/$VERSION/"lockword-parent-*.pom >/dev/null

rm -rf "$LOCAL/io/github/lockword"
for path in module-path class-path; do
  echo "== consumer: build and run on the $path"
  ./mvnw -B -ntp -q -f consumer/pom.xml -P"$path" -Dmaven.repo.local="$LOCAL" \
    -Dstaging.repo="file://$STAGING" -Dlockword.version="$VERSION" process-classes
done

# Where the consumer's lock-core came from, as recorded by Maven's resolver.
REMOTE=$LOCAL/io/github/lockword/lock-core/$VERSION/_remote.repositories
if ! grep -q '\.jar>lockword-staging=' "$REMOTE" 2>/dev/null; then
  echo "consumer/run.sh: cannot show that lock-core came from $STAGING ($REMOTE)" >&2
  exit 1
fi
echo "== consumer: lock-core $VERSION was resolved from $STAGING"
echo "== consumer: OK ($(( $(date +%s) - START )) s)"
