#!/usr/bin/env bash
# Runs the install and the test suite again on a current Node LTS, beside the machine's own Node.
# The Node binary and its headers come from npm's node-<platform>-<arch> package (no other download),
# and node-gyp builds the native modules against those headers (npm_config_nodedir), offline.
#   NODE_LTS — the major version to test on (24)
set -euo pipefail
cd "$(dirname "$0")/.."
major="${NODE_LTS:-24}"
platform="$(node -p 'process.platform')-$(node -p 'process.arch')"
prefix=".vj-host/node-lts"
pkg="node-${platform}"
if [ ! -x "$prefix/node_modules/$pkg/bin/node" ] || [ "$("$prefix/node_modules/$pkg/bin/node" -p 'process.versions.node.split(".")[0]')" != "$major" ]; then
  rm -rf "$prefix"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$prefix" "${pkg}@${major}" >/dev/null
fi
root="$(pwd)/$prefix/node_modules/$pkg"
export PATH="$root/bin:$PATH" npm_config_nodedir="$root"
echo "testing on node $(node --version)"
npm ci && npm test
