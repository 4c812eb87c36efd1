#!/usr/bin/env bash
# Builds necod_VERSION_all.deb with dpkg-deb: the npm package (as `npm pack` makes it, with its
# production dependencies) under /usr/lib/node_modules/necod, `necod` and `necod-cli` in
# /usr/bin, the systemd unit, the rt_protos.d entry, bash completion, and the example config in
# /etc/necod/ (a conffile). Usage: packaging/build-deb.sh [OUTDIR] (default: ./build).
# Depends on nodejs (>= 20.19) and iproute2 at install time; needs npm and dpkg-deb to build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build}")
version=$(node -p "require('./package.json').version")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

npm run build >/dev/null
tgz=$(npm pack --silent --pack-destination "$stage" | tail -n1)
# Production dependencies only, from the npm cache when they are there.
npm install --global --prefix "$root/usr" --omit=dev --no-audit --no-fund --prefer-offline "$stage/$tgz" >/dev/null

install -D -m 0644 packaging/systemd/necod.service "$root/lib/systemd/system/necod.service"
install -D -m 0644 packaging/rt_protos.d/necod.conf "$root/etc/iproute2/rt_protos.d/necod.conf"
install -D -m 0640 packaging/necod.yaml "$root/etc/necod/necod.yaml"
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/doc/necod"
node bin/necod-cli.js completion bash >"$root/usr/share/bash-completion/completions/necod-cli"
install -m 0644 README.md docs/operations.md docs/configuration.md "$root/usr/share/doc/necod/"

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: necod
Version: $version
Architecture: all
Maintainer: necod maintainers <necod@localhost>
Depends: nodejs (>= 20.19), iproute2
Recommends: systemd
Section: net
Priority: optional
Homepage: https://github.com/necod/necod
Description: BGP-4 and BFD speaker for layer-3 data-center servers
 necod holds the iBGP sessions of a server to its top-of-rack switches, installs what
 it learns into the kernel as ECMP routes, and advertises the server's own routes.
 necod-cli is its command line.
CONTROL
printf '/etc/necod/necod.yaml\n/etc/iproute2/rt_protos.d/necod.conf\n' >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
POSTINST
chmod 0755 "$root/DEBIAN/postinst"

mkdir -p "$out"
dpkg-deb --root-owner-group --build "$root" "$out/necod_${version}_all.deb" >/dev/null
echo "$out/necod_${version}_all.deb"
