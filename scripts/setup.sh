#!/usr/bin/env bash
# Installs everything necod's build and test suites need on a fresh Debian machine.
# Idempotent: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

# systemd: systemd-analyze verify/security in the packaging test; lintian: the Debian package check.
apt_packages=(bird2 frr gobgpd exabgp tshark nftables iproute2 iputils-ping systemd lintian)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# The Debian packages may start their daemons; necod's tests run their own copies in namespaces.
for svc in bird frr gobgpd exabgp; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  # The lock file lists every platform's optional native packages (rollup's, esbuild's), so
  # `npm ci` works on a clean clone; should a registry refuse some of them, `npm install`
  # installs the same locked versions and skips what it cannot get.
  ci_log=$(mktemp)
  if ! npm ci --no-audit --no-fund >"$ci_log" 2>&1; then
    echo "setup: npm ci refused the lock file ($(grep -m1 -o 'can only install packages when.*in sync' "$ci_log" || echo 'see npm log')); installing the locked versions with npm install" >&2
    npm install --no-audit --no-fund
  fi
  rm -f "$ci_log"
fi
npm run build
