#!/usr/bin/env bash
# Installs what is missing, builds Cabas, creates a demo database (once) and opens the desktop app on it.
#   packaging/run-demo.sh
# Environment: CABAS_DEMO_DB (default ~/.local/share/cabas/demo.cabas), CABAS_BUILD_DIR (default build/release).
# Demo accounts: admin, amelie.roux, karim.benali, claire.dupuis, julien.marty; password Demo-Cabas-2026.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CABAS_BUILD_DIR:-$root/build/release}
db=${CABAS_DEMO_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/cabas/demo.cabas}

if [ "${CABAS_SKIP_DEPS:-0}" != 1 ]; then
  "$root/packaging/install-deps.sh"
fi
"$root/packaging/build.sh" "$build"

if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  chmod 600 "$pwfile"
  echo 'Demo-Cabas-2026' >"$pwfile"
  "$build/app/cabas-cli" init --db "$db" --admin admin --admin-name "Administrateur démo" --password-file "$pwfile" \
    --programme "$root/resources/demo/programme.json"
  "$build/app/cabas-cli" --db "$db" --user admin --password-file "$pwfile" demo
fi

# The card ledger: cabas-ledger-sim (a reference feed, on a free port of this computer) generates the demo
# households' ledger up to today, and cabas-cli sync pulls what is new since the last run.
sync_demo_ledger() {
  local work sim_pid port
  work=$(mktemp -d)
  chmod 700 "$work"
  echo 'Demo-Cabas-2026' >"$work/pw"
  echo 'demo-token' >"$work/token"
  "$build/app/sim/cabas-ledger-sim" --db "$db" --user admin --password-file "$work/pw" --port 0 --token demo-token >"$work/port" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(head -n 1 "$work/port" || true)
  if [ -n "$port" ]; then
    "$build/app/cabas-cli" --db "$db" --user admin --password-file "$work/pw" sync \
      --ledger "http://127.0.0.1:$port" --token-file "$work/token" || echo "run-demo: the ledger sync failed" >&2
  else
    echo "run-demo: cabas-ledger-sim did not start: $(cat "$work/sim.log")" >&2
  fi
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
sync_demo_ledger

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  shot="$build/cabas-demo.png"
  echo "run-demo: no display here; saving a screenshot of the app on $db to $shot instead."
  shotpw=$(mktemp)
  chmod 600 "$shotpw"
  echo 'Demo-Cabas-2026' >"$shotpw"
  xvfb-run -a -s "-screen 0 1280x800x24" "$build/app/cabas/cabas" --db "$db" --user admin --password-file "$shotpw" \
    --screenshot "$shot"
  rm -f "$shotpw"
  exit 0
fi
exec "$build/app/cabas/cabas" --db "$db"
