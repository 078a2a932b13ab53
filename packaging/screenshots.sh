#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png from a fresh demo database, in a real window under Xvfb, in French.
#   packaging/screenshots.sh [BUILD_DIR]     (after packaging/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
out="$root/docs/screenshots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
echo 'Demo-Cabas-2026' >"$work/pw"
export CABAS_LANG=fr
"$build/app/cabas-cli" init --db "$work/demo.cabas" --admin admin --password-file "$work/pw" \
  --programme "$root/resources/demo/programme.json" >/dev/null
"$build/app/cabas-cli" --db "$work/demo.cabas" --user admin --password-file "$work/pw" demo >/dev/null
# The demo ledger, from the reference feed (cabas-ledger-sim on a free local port), as run-demo.sh does.
echo 'demo-token' >"$work/token"
"$build/app/sim/cabas-ledger-sim" --db "$work/demo.cabas" --user admin --password-file "$work/pw" --port 0 --token demo-token >"$work/sim-port" 2>/dev/null &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/sim-port" ] && break; sleep 0.1; done
"$build/app/cabas-cli" --db "$work/demo.cabas" --user admin --password-file "$work/pw" sync \
  --ledger "http://127.0.0.1:$(head -n 1 "$work/sim-port")" --token-file "$work/token" >/dev/null
kill "$sim_pid"
wait "$sim_pid" 2>/dev/null || true
shot() { xvfb-run -a -s "-screen 0 1280x800x24" "$build/app/cabas/cabas" "$@"; }
shot --db "$work/demo.cabas" --screenshot "$out/login.png"
shot --db "$work/demo.cabas" --user amelie.roux --password-file "$work/pw" --section administration \
  --screenshot "$out/access-denied.png"
shot --db "$work/demo.cabas" --user admin --password-file "$work/pw" --section administration --screenshot "$out/audit.png"
shot --db "$work/demo.cabas" --user admin --password-file "$work/pw" --section home --screenshot "$out/main-window.png"
shot --db "$work/demo.cabas" --user amelie.roux --password-file "$work/pw" --section households \
  --screenshot "$out/households.png"
shot --db "$work/demo.cabas" --user claire.dupuis --password-file "$work/pw" --section health \
  --screenshot "$out/health-worklist.png"
HOME="$work" shot --screenshot "$out/first-run.png"
echo "screenshots written to $out"
# Scenes that need data set up precisely (a form with a validation message, a case file ...) come from the UI
# tests, which save them when CABAS_SCREENSHOT_DIR is set; their names are in docs/screenshots/README.md.
CABAS_SCREENSHOT_DIR="$out" QT_QPA_PLATFORM=offscreen CABAS_LANG=fr "$build/tests/ui/cabas_ui_tests" "[screenshot]" >/dev/null
echo "test scenes written to $out"
