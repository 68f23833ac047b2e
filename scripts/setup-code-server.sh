#!/usr/bin/env bash
# Installs code-server (a real VS Code served to a browser) into .vscode-test/code-server so the
# extension-host suite and the UI tests can run on machines that reach only the npm registry and
# Debian's packages. @vscode/test-electron cannot be used there: it downloads VS Code from
# Microsoft. Idempotent: does nothing when the installed code-server already answers --version.
#
# Why the steps look like this (see /work/shared/notes/testing-in-real-vscode.md): code-server's
# own post-install needs --unsafe-perm as root and its nested @vscode/ripgrep post-install downloads
# a binary from GitHub, so we install with --ignore-scripts and redo the useful parts by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# 4.100.3 is the newest release that accepts node 20 (later 4.1xx need node 24).
CODE_SERVER_VERSION=4.100.3
ROOT="$PWD/.vscode-test/code-server"
BIN="$ROOT/node_modules/.bin/code-server"

# code-server writes a default config and logs under the user's XDG folders even for --version;
# keep them inside our folder (the runners set the same variables).
export XDG_CONFIG_HOME="$ROOT/xdg/config" XDG_DATA_HOME="$ROOT/xdg/data"

log() { printf '[setup-code-server] %s\n' "$*"; }
now() { date +%s; }

installed() { "$BIN" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "; }

if installed; then
  log "code-server $CODE_SERVER_VERSION already installed in $ROOT"
  exit 0
fi

# Two test runs starting at once would install into the same folder; let one wait for the other.
mkdir -p "$(dirname "$ROOT")"
exec 9>"$(dirname "$ROOT")/code-server.lock"
if ! flock -n 9; then
  log "another install is running; waiting for it"
  flock 9
  if installed; then
    log "code-server $CODE_SERVER_VERSION installed by the other run"
    exit 0
  fi
fi

started=$(now)

# --- Debian packages -------------------------------------------------------------------------
# libkrb5-dev: headers to compile the kerberos native module; ripgrep: replaces the rg binary
# @vscode/ripgrep would download; chromium: the browser Playwright drives; build tools for
# node-gyp.
needed=()
for pkg in libkrb5-dev ripgrep chromium g++ make python3; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    needed+=("$pkg")
  fi
done
if [ ${#needed[@]} -gt 0 ]; then
  log "installing Debian packages: ${needed[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  # The lock timeout makes us wait for another apt run (e.g. a provisioning step) instead of failing.
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=900 update -q
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${needed[@]}" </dev/null
fi

# node-gyp downloads node's headers from nodejs.org unless told where they are; use the headers
# installed with node itself when present (Debian/NodeSource packages and official tarballs have them).
node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node_api.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# --- code-server itself ----------------------------------------------------------------------
log "installing code-server $CODE_SERVER_VERSION into $ROOT"
rm -rf "$ROOT"
mkdir -p "$ROOT" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
cd "$ROOT"
# A package.json of our own keeps npm from walking up into the repository's package.json.
printf '{"name":"code-server-for-tests","private":true}\n' >package.json
npm install --ignore-scripts --no-package-lock "code-server@$CODE_SERVER_VERSION" </dev/null

CS="$ROOT/node_modules/code-server"
VSCODE="$CS/lib/vscode"

log "installing VS Code's own dependencies"
(
  cd "$VSCODE"
  npm install --omit=dev --ignore-scripts --no-package-lock </dev/null
  # Native modules the server needs. @parcel/watcher ships prebuilt binaries; @vscode/ripgrep's
  # install only downloads rg, which we replace with Debian's below.
  npm rebuild kerberos @vscode/deviceid @vscode/spdlog native-watchdog node-pty </dev/null
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  # What code-server's postinstall.sh does besides the downloads.
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
  (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
  (cd extensions && npm install --omit=dev --ignore-scripts --no-package-lock </dev/null)
)

# argon2 (password hashing) is a native module of code-server itself; rebuild it for this node.
(cd "$ROOT" && npm rebuild argon2 </dev/null)

version="$("$BIN" --version | grep "^$CODE_SERVER_VERSION " || true)"
log "installed: $version ($(($(now) - started)) s)"
echo "$version" | grep -q "^$CODE_SERVER_VERSION " || { log "unexpected version"; exit 1; }
