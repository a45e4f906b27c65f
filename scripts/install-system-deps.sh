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
#   mesa-vulkan-drivers (25 or newer) — Mesa's lavapipe: a real WebGPU adapter on the CPU for the models'
#               WebGPU provider tests. Debian 12's own Mesa (22.3) is too old for Dawn, so on bookworm it comes
#               from bookworm-backports, on the same mirror as the machine's other Debian sources.
set -euo pipefail

run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^[0-9]+://; s/[^0-9].*//'; }

# The mirror the machine's bookworm entry uses (deb822 .sources or a classic list), for the backports entry.
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS=""} /Suites:[^\n]*bookworm( |$|\n)/ { if (match($0, /URIs: *[^ \n]+/)) { u = substr($0, RSTART, RLENGTH); sub(/URIs: */, "", u); print u; exit } }' "$f"
  done | head -n1
  { grep -hE '^deb +(\[[^]]*\] +)?[a-z]+://[^ ]+ +bookworm +' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } | sed -E 's/^deb +(\[[^]]*\] +)?//; s/ .*//' | head -n1
}

install_lavapipe() {
  local have
  have="$(mesa_version)"
  if [ -n "$have" ] && [ "$have" -ge 25 ]; then echo "mesa-vulkan-drivers $have present"; return; fi
  command -v apt-get >/dev/null || { echo "no apt-get: install Mesa 25+ (lavapipe) by hand" >&2; return 1; }
  if grep -q '^VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null; then
    local mirror
    mirror="$(debian_mirror | head -n1 || true)"
    [ -n "$mirror" ] || { echo "no Debian mirror found in the apt sources for bookworm-backports" >&2; return 1; }
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" | run tee /etc/apt/sources.list.d/vj-host-backports.sources >/dev/null
    run apt-get update -qq
    DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers
  else
    DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends mesa-vulkan-drivers
  fi
}

packages=(python3 g++ make ffmpeg nginx libnginx-mod-rtmp chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  install_lavapipe
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "missing system packages: ${missing[*]} (no apt-get here: install them by hand)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
run apt-get update -qq
DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_lavapipe
