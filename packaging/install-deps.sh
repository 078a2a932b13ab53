#!/usr/bin/env bash
# Installs the Debian packages Cabas needs to build, test and run (Debian 12 / Ubuntu 24.04).
# clang and libclang-rt-14-dev: the sanitizer build and the libFuzzer targets (packaging/run-sanitized-tests.sh).
# Idempotent: installs only what is missing. Runs apt-get through sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-charts-dev libqt6opengl6-dev qt6-qpa-plugins qt6-translations-l10n
  libqt6sql6-sqlite libqt6sql6-psql libqt6svg6
  catch2 libpoco-dev libsodium-dev libsqlite3-dev libxlsxwriter-dev
  poppler-utils libreoffice-calc-nogui
  postgresql postgresql-client sqlite3
  tzdata xvfb xauth fonts-dejavu-core
  appstream desktop-file-utils dpkg-dev file
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: every package is already installed."
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
