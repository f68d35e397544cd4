#!/usr/bin/env bash
# Release check: is the npm tarball a working Strapi 5 plugin for someone who installs it?
#
#   1. `strapi-plugin verify` on this package;
#   2. `npm pack` → a tarball, as `npm publish` would upload it;
#   3. a fresh Strapi 5.54 app from create-strapi-app's default template (TypeScript, SQLite,
#      no example, no cloud; everything from the npm registry, no git template);
#   4. `npm install <tarball>` — the app's own dependencies and the plugin in one install (the app
#      is created with --no-install, so the dependency tree is resolved once, not twice), then
#      enable the plugin in config/plugins.ts and `strapi build` (the one admin build);
#   5. `strapi start`, then the plugin's routes answer (content API and admin API) and its admin
#      code is in the built admin panel.
#
# Usage: bash scripts/release-check.sh   (RELEASE_CHECK_DIR=<dir> to choose the work folder,
# KEEP=1 to keep it). Prints the time of each step; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export STRAPI_TELEMETRY_DISABLED=true CI=true BROWSER=none npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# Packages already in npm's cache (from this repository's `npm ci`) are not re-validated.
export npm_config_prefer_offline=true

WORK="${RELEASE_CHECK_DIR:-$(mktemp -d -t segments-release-XXXXXX)}"
mkdir -p "$WORK"
APP="$WORK/app"
LOG="$WORK/strapi.log"
STRAPI_PID=""
STARTED=$(date +%s)
STEP_STARTED=$STARTED

cleanup() {
  local status=$?
  if [[ -n "$STRAPI_PID" ]]; then
    kill -TERM -- "-$STRAPI_PID" 2>/dev/null || kill -TERM "$STRAPI_PID" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$STRAPI_PID" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f "$LOG" ]]; then
    echo "--- last lines of the Strapi log ($LOG) ---"
    tail -n 40 "$LOG" || true
  fi
  if [[ "${KEEP:-0}" != "1" && $status -eq 0 ]]; then rm -rf "$WORK"; fi
  echo "release check $( [[ $status -eq 0 ]] && echo passed || echo FAILED ) in $(( $(date +%s) - STARTED )) s (work folder: $WORK$( [[ "${KEEP:-0}" == "1" || $status -ne 0 ]] && echo ', kept' || echo ', removed'))"
}
trap cleanup EXIT

step() {
  local now
  now=$(date +%s)
  printf '[release-check] (+%ss, step took %ss) %s\n' "$(( now - STARTED ))" "$(( now - STEP_STARTED ))" "$1"
  STEP_STARTED=$now
}
fail() { echo "[release-check] FAILED: $*" >&2; exit 1; }

step "building the plugin (skipped when dist/ is fresh: scripts/ensure-build.js)"
node scripts/ensure-build.js

step "strapi-plugin verify"
npx --no-install strapi-plugin verify

step "npm pack"
TARBALL="$WORK/$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
[[ -f "$TARBALL" ]] || fail "npm pack produced no tarball"
VERSION=$(node -p "require('./package.json').version")
[[ "$VERSION" =~ ^0\.[0-9]+\.[0-9]+ ]] || fail "version $VERSION is not semver 0.x"
echo "  $TARBALL ($(du -k "$TARBALL" | cut -f1) KB, version $VERSION)"

step "create-strapi-app@5.54.0 (default template, TypeScript, SQLite, no example, no cloud)"
(cd "$WORK" && npx -y create-strapi-app@5.54.0 app \
  --non-interactive --no-run --ts --use-npm --no-install --no-example --no-git-init --skip-cloud \
  --dbclient=sqlite --dbfile=.tmp/data.db) >"$WORK/create.log" 2>&1 || { tail -n 40 "$WORK/create.log"; fail "create-strapi-app"; }
[[ -f "$APP/package.json" ]] || fail "create-strapi-app made no app"
node -e "
  const p = require('$APP/package.json');
  const v = p.dependencies['@strapi/strapi'];
  if (v !== '5.54.0') { console.error('@strapi/strapi is ' + v + ', expected 5.54.0'); process.exit(1); }
"

step "npm install: the app's dependencies and the tarball (compiles better-sqlite3 from source)"
(cd "$APP" && npm install "$TARBALL" --loglevel=error) >"$WORK/install.log" 2>&1 || { tail -n 40 "$WORK/install.log"; fail "npm install of the tarball"; }
cat >"$APP/config/plugins.ts" <<'EOF'
export default () => ({
  segments: { enabled: true },
});
EOF

step "strapi build (admin panel with the plugin)"
(cd "$APP" && NODE_ENV=production npx --no-install strapi build) >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; fail "strapi build"; }
# The plugin's admin code (its English translations are unique to it) is in the built admin.
grep -rqs "Behaviour (event)" "$APP/dist/build" || fail "the plugin's admin code is not in $APP/dist/build"
echo "  admin build contains the plugin's admin code"

step "strapi start"
PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
BASE="http://127.0.0.1:$PORT"
(cd "$APP" && HOST=127.0.0.1 PORT=$PORT NODE_ENV=production exec setsid npx --no-install strapi start) >"$LOG" 2>&1 &
STRAPI_PID=$!
for _ in $(seq 1 240); do
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/_health" || true)" == "204" ]]; then break; fi
  kill -0 "$STRAPI_PID" 2>/dev/null || fail "strapi start exited"
  sleep 0.5
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/_health")" == "204" ]] || fail "Strapi did not become healthy within 120 s"

step "the plugin's routes answer"
expect() { # expect <status> <description> <curl args…>
  local want=$1 what=$2
  shift 2
  local body status
  body=$(curl -s -w '\n%{http_code}' "$@")
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  [[ "$status" == "$want" ]] || fail "$what: HTTP $status, expected $want: $body"
  echo "  $want  $what"
  LAST_BODY=$body
}
AID='-H X-Segments-Anonymous-Id:release-check-visitor'
expect 202 "POST /api/segments/events (Public role granted on first boot)" $AID -H 'Content-Type: application/json' \
  -d '{"events":[{"name":"release_check","properties":{"value":1}}]}' "$BASE/api/segments/events"
expect 200 "GET /api/segments/me" $AID "$BASE/api/segments/me"
node -e "const b=JSON.parse(process.argv[1]); if (b.data.visitor.anonymousId!=='release-check-visitor' || typeof b.data.profileId!=='number') process.exit(1)" "$LAST_BODY" \
  || fail "GET /me did not answer the visitor and its profile: $LAST_BODY"
expect 400 "GET /api/segments/me with a malformed anonymous id" -H 'X-Segments-Anonymous-Id: x' "$BASE/api/segments/me"
expect 404 "GET /api/segments/placements/home-hero (no banner yet)" $AID "$BASE/api/segments/placements/home-hero"
expect 401 "GET /segments/overview without an admin token" "$BASE/segments/overview"
expect 200 "GET /admin" "$BASE/admin"
if grep -Eiq '\] (error|fatal):' "$LOG"; then grep -Ei '\] (error|fatal):' "$LOG" | head -n 5; fail "Strapi logged errors"; fi

step "done"
