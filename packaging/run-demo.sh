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
