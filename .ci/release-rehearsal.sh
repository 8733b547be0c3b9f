#!/usr/bin/env bash
# Rehearses a release without publishing anything and without writing to ~/.m2:
#   1. copies the working tree (tracked and untracked, not ignored files) to
#      target/release-rehearsal/src and sets its version to the release version (X.Y.Z-SNAPSHOT ->
#      X.Y.Z), since Central takes bundles of releases only;
#   2. creates a throw-away GPG key in target/release-rehearsal/gnupg (SIGN=0: -Dgpg.skip instead);
#   3. runs the release build there:
#        ./mvnw -B -ntp -Prelease -DskipTests -DskipUpload=true -Dmaven.install.skip=true deploy
#      with a local repository target/release-rehearsal/m2 chained to ~/.m2/repository as a
#      read-only tail (Maven 3.9), so nothing lands in ~/.m2;
#   4. checks the Central bundle: jar, sources, javadoc and POM of lock-core and lock-faults and the
#      parent POM, each with .md5 and .sha1 (and a valid .asc when signing), nothing of lock-stress
#      or lock-bench.
# Usage: .ci/release-rehearsal.sh        (about 2-3 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
WORK=$ROOT/target/release-rehearsal
SIGN=${SIGN:-1}
SNAP=$(sed -n '/<artifactId>lockword-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' pom.xml)
REL=${SNAP%-SNAPSHOT}
START=$(date +%s)

rm -rf "$WORK"
mkdir -p "$WORK/src" "$WORK/m2"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && cp --parents -p "$f" "$WORK/src/"
done
find "$WORK/src" -name pom.xml -not -path "$WORK/src/consumer/*" \
  -exec sed -i "s|<version>$SNAP</version>|<version>$REL</version>|" {} +
echo "== rehearsal: $SNAP -> $REL in $WORK/src"

GPG_ARGS=(-Dgpg.skip)
if [ "$SIGN" = 1 ]; then
  export GNUPGHOME=$WORK/gnupg
  mkdir -m 700 "$GNUPGHOME"
  trap 'gpgconf --kill gpg-agent 2>/dev/null || true' EXIT
  gpg --batch --quiet --passphrase '' --quick-gen-key 'lockword release rehearsal (throw-away)' ed25519 sign 1d
  FPR=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr:/ {print $10; exit}')
  GPG_ARGS=(-Dgpg.keyname="$FPR")
  echo "== rehearsal: signing with throw-away key $FPR"
fi

(cd "$WORK/src" && ./mvnw -B -ntp -q -Prelease -DskipTests -DskipUpload=true -Dmaven.install.skip=true \
  -Dmaven.repo.local="$WORK/m2" -Dmaven.repo.local.tail="$HOME/.m2/repository" "${GPG_ARGS[@]}" deploy)

BUNDLE=$(find "$WORK/src" -path '*/central-publishing/*.zip' | head -n1)
[ -n "$BUNDLE" ] || { echo "rehearsal: no Central bundle under $WORK/src" >&2; exit 1; }
LIST=$(unzip -Z1 "$BUNDLE")
missing=0
need() {
  local f=$1 ext
  for ext in "" .md5 .sha1; do
    grep -qx "$f$ext" <<<"$LIST" || { echo "rehearsal: missing from the bundle: $f$ext" >&2; missing=1; }
  done
  if [ "$SIGN" = 1 ]; then
    grep -qx "$f.asc" <<<"$LIST" || { echo "rehearsal: missing from the bundle: $f.asc" >&2; missing=1; }
  fi
}
G=io/github/lockword
need "$G/lockword-parent/$REL/lockword-parent-$REL.pom"
for m in lock-core lock-faults; do
  for kind in .jar -sources.jar -javadoc.jar .pom; do
    need "$G/$m/$REL/$m-$REL$kind"
  done
done
if grep -qE 'lock-stress|lock-bench' <<<"$LIST"; then
  echo "rehearsal: the bundle holds lock-stress or lock-bench files" >&2; missing=1
fi
if [ "$SIGN" = 1 ]; then
  CHECK=$WORK/check
  mkdir -p "$CHECK"
  unzip -q -o "$BUNDLE" "$G/lock-core/$REL/lock-core-$REL.jar" "$G/lock-core/$REL/lock-core-$REL.jar.asc" -d "$CHECK"
  gpg --batch --quiet --verify "$CHECK/$G/lock-core/$REL/lock-core-$REL.jar.asc" "$CHECK/$G/lock-core/$REL/lock-core-$REL.jar" \
    || { echo "rehearsal: lock-core's signature does not verify" >&2; missing=1; }
fi
[ "$missing" = 0 ] || exit 1
echo "== rehearsal: $BUNDLE ($(wc -c <"$BUNDLE") bytes, $(wc -l <<<"$LIST") files):"
sort <<<"$LIST" | sed 's/^/   /'
echo "== rehearsal: OK ($(( $(date +%s) - START )) s)"
