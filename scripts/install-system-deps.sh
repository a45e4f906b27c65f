#!/usr/bin/env bash
# System packages vj-host's tests need, in one place (CI and a new developer machine run this same list).
# Debian/Ubuntu only; elsewhere, install the equivalents by hand.
#   python3 — the shared-memory reader example (docs/examples/shm_reader.py) runs as a separate reader process in tests;
#             node-gyp also needs it to build naudiodon.
#   g++, make — naudiodon (audio capture) builds from source on install.
#   ffmpeg    — the RTMP and recording outputs encode with it, the audio file source decodes with it;
#               the tests pull streams and read recordings back with ffmpeg/ffprobe.
#   nginx, libnginx-mod-rtmp — a real RTMP server on 127.0.0.1 for the RTMP tests and the outputs bench
#               (run in the foreground from a temp folder; nothing is enabled as a service).
#   chromium  — the control surface's end-to-end tests drive Debian's chromium with playwright-core
#               (playwright's own browser download cannot work offline).
set -euo pipefail

packages=(python3 g++ make ffmpeg nginx libnginx-mod-rtmp chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "missing system packages: ${missing[*]} (no apt-get here: install them by hand)" >&2
  exit 1
fi
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
echo "installing: ${missing[*]}"
run apt-get update -qq
DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends "${missing[@]}"
