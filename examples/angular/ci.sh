#!/usr/bin/env bash
# CI for the Angular example: installs it with realtime-rx from a packed tarball (as a user would get it
# from the registry), builds the app and runs its specs (Vitest + jsdom, no browser).
# Usage: examples/angular/ci.sh path/to/realtime-rx-<version>.tgz
# Ends with the line "angular: N passed, N failed"; exits non-zero when any step fails.
set -euo pipefail
tarball=$(realpath "${1:?usage: $0 path/to/realtime-rx-<version>.tgz}")
cd "$(dirname "$0")"

step() { printf '\n== angular: %s\n' "$*"; }

step "install (npm ci, then realtime-rx from $tarball)"
npm ci --no-audit --no-fund
# --no-save: the lockfile stays free of the tarball's hash, which changes with every build.
npm install --no-save --no-audit --no-fund "$tarball"
# realtime-rx takes rxjs as a peer: the app's copy must be the only one.
copies=$(find node_modules -path '*/rxjs/package.json' -not -path '*/rxjs/*/*' | wc -l)
if [ "$copies" -ne 1 ]; then
  echo "angular: expected one rxjs in node_modules, found $copies" >&2
  exit 1
fi

step "docs/angular.md matches the example"
node check-docs.mjs

step "build (ng build)"
npx ng build

step "tests (ng test)"
results=$(mktemp --suffix=.json)
status=0
npx ng test --watch=false --reporters=json --output-file="$results" --reporters=default || status=$?
summary=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`angular: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (r.numTotalTests === 0) process.exit(3);
  if (r.numFailedTestSuites > 0 || r.numFailedTests > 0) process.exit(2);
' "$results") || status=$((status == 0 ? 1 : status))
rm -f "$results"
echo
echo "${summary:-angular: 0 passed, 0 failed (no test report)}"
exit "$status"
