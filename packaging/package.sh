#!/usr/bin/env bash
# Builds the release configuration (packaging/build.sh) and makes the .deb and .tar.gz in build/release.
#   packaging/package.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
"$root/packaging/build.sh" "$build"
(cd "$build" && cpack -G "DEB;TGZ")
ls "$build"/cabas_*.deb "$build"/cabas-*.tar.gz
