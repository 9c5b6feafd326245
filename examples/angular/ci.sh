#!/usr/bin/env bash
# CI for the Angular example: installs it with realtime-rx from a packed tarball (as a user would get it
# from the registry), builds the app, runs its specs (Vitest + jsdom, no browser) and then the built app
# end to end in headless Chromium against the dev server (e2e.mjs; playwright-core comes from the
# repository's node_modules, Chromium from scripts/ensure-chromium.mjs).
# Angular 22's CLI needs Node ^22.22.3 while the repository runs on Node 20: the `node` devDependency puts a
# Node 22 binary in node_modules/.bin, which `npm run` puts first on PATH, so the CLI is started through the
# package's scripts (a bare `ng` or `node_modules/.bin/ng` would run on the system's Node and refuse to start).
# Usage: examples/angular/ci.sh path/to/realtime-rx-<version>.tgz
# Ends with the line "angular: N passed, N failed" (the specs and the end-to-end checks); exits non-zero
# when any step fails.
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

step "node for the Angular CLI"
# The binary comes from the `node` package's preinstall (allowed in package.json's allowScripts): without it
# node_modules/.bin/node is a dangling link and the CLI would run on Node 20 and refuse to start.
if [ ! -x node_modules/.bin/node ]; then
  echo "angular: node_modules/.bin/node is missing or not executable (was the node preinstall skipped?)" >&2
  exit 1
fi
echo "npm run uses $(npm exec --offline -- node --version); npm itself runs on $(node --version)"

step "docs/angular.md matches the example"
node check-docs.mjs

step "build (npm run build: ng build)"
npm run build

step "tests (npm run test: ng test)"
results=$(mktemp --suffix=.json)
status=0
npm run test -- --reporters=json --output-file="$results" --reporters=default || status=$?
counts=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} ${r.numFailedTests}`);
  if (r.numTotalTests === 0) process.exit(3);
  if (r.numFailedTestSuites > 0 || r.numFailedTests > 0) process.exit(2);
' "$results") || status=$((status == 0 ? 1 : status))
rm -f "$results"
read -r spec_passed spec_failed <<<"${counts:-0 1}"

step "end to end (node e2e.mjs: the built app in Chromium, a key minted by createClientSecret, a tool)"
e2e_log=$(mktemp)
e2e_status=0
node e2e.mjs 2>&1 | tee "$e2e_log" || e2e_status=$?
e2e_line=$(grep -E '^angular e2e: [0-9]+ passed, [0-9]+ failed' "$e2e_log" | tail -1 || true)
rm -f "$e2e_log"
if [[ $e2e_line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
  e2e_passed=${BASH_REMATCH[1]} e2e_failed=${BASH_REMATCH[2]}
else
  e2e_passed=0 e2e_failed=1
fi
[ "$e2e_status" -eq 0 ] || status=$((status == 0 ? e2e_status : status))

echo
echo "angular: $((spec_passed + e2e_passed)) passed, $((spec_failed + e2e_failed)) failed"
exit "$status"
