#!/usr/bin/env bash
# Builds necod_VERSION_ARCH.deb with dpkg-deb (ARCH: this machine's, for the netlink addon): the npm package (as `npm pack` makes it, with its
# production dependencies) under /usr/lib/node_modules/necod, `necod` and `necod-cli` in
# /usr/bin, the systemd unit, the rt_protos.d entry, the nftables rule that enforces BFD's TTL
# check (/usr/share/necod/necod-bfd.nft), bash completion, man pages, and the example config in
# /etc/necod/ (a conffile). The dependencies are trimmed of what only their authors use (lint
# and VCS files, benchmarks, web pages) so that lintian finds nothing to object to.
# Usage: packaging/build-deb.sh [OUTDIR] (default: ./build).
# Depends on nodejs (>= 20.19) and iproute2 at install time; needs npm and dpkg-deb to build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build}")
version=$(node -p "require('./package.json').version")
maintainer='necod developers <necod@necod.org>'
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

npm run build >/dev/null
tgz=$(npm pack --silent --pack-destination "$stage" | tail -n1)
# Production dependencies only, from the npm cache when they are there.
npm install --global --prefix "$root/usr" --omit=dev --no-audit --no-fund --prefer-offline "$stage/$tgz" >/dev/null

lib="$root/usr/lib/node_modules/necod"
# What the dependencies' authors ship for themselves, not for a running necod.
find "$lib" \( -name '.eslintrc*' -o -name '.npmignore' -o -name '.gitattributes' -o -name '.editorconfig' \
  -o -name '.travis.yml' -o -name '.github' -o -name '.husky' -o -name '*.html' -o -name 'benchmarks' \
  -o -name 'integration' -o -name 'test' -o -name 'inc-version.sh' \) -prune -exec rm -rf {} +
rm -rf "$lib/node_modules/fastify/scripts"
# The npm copy of packaging/ is for `npm install -g` users; the package puts each file in its place.
rm -rf "$lib/packaging"
find "$lib" -type f -exec chmod 0644 {} +
find "$lib" -type d -exec chmod 0755 {} +
# Scripts (a #! line) stay runnable: necod's own bin/ and the dependencies' command-line tools.
find "$lib" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) -print0 |
  xargs -0 awk 'FNR == 1 && /^#!/ { print FILENAME } { nextfile }' | xargs -r chmod 0755
chmod 0755 "$lib/bin/necod.js" "$lib/bin/necod-cli.js"
# The netlink addon ships prebuilt for several machines: keep this one's, stripped, which makes
# the package architecture-specific.
arch=$(dpkg --print-architecture)
case "$arch" in
  amd64) prebuild=linux-x64 ;; arm64) prebuild=linux-arm64 ;; armhf) prebuild=linux-arm ;; i386) prebuild=linux-ia32 ;;
  *) prebuild=none ;;
esac
prebuilds="$lib/node_modules/netlink/prebuilds"
if [[ -d $prebuilds ]]; then
  find "$prebuilds" -mindepth 1 -maxdepth 1 -type d ! -name "$prebuild" -exec rm -rf {} +
  find "$prebuilds" -name '*.node' -exec strip --strip-unneeded --remove-section=.comment --remove-section=.note {} +
fi

install -D -m 0644 packaging/systemd/necod.service "$root/lib/systemd/system/necod.service"
install -D -m 0644 packaging/rt_protos.d/necod.conf "$root/etc/iproute2/rt_protos.d/necod.conf"
install -D -m 0640 packaging/necod.yaml "$root/etc/necod/necod.yaml"
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/doc/necod"
node bin/necod-cli.js completion bash >"$root/usr/share/bash-completion/completions/necod-cli"
install -m 0644 README.md docs/operations.md docs/configuration.md docs/bfd.md "$root/usr/share/doc/necod/"
install -m 0644 packaging/debian/copyright "$root/usr/share/doc/necod/copyright"
# A native package's changelog, in Debian's format, dated like the build.
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'necod (%s) unstable; urgency=medium\n\n  * necod %s.\n\n -- %s  %s\n' "$version" "$version" "$maintainer" "$date" |
  gzip -9n >"$root/usr/share/doc/necod/changelog.gz"
# The TTL check of single-hop BFD (RFC 5881 §5), loaded with `nft -f`; no shebang where it is not run.
install -d "$root/usr/share/necod"
grep -v '^#!' packaging/nftables/necod-bfd.nft >"$root/usr/share/necod/necod-bfd.nft"
chmod 0644 "$root/usr/share/necod/necod-bfd.nft"
install -d "$root/usr/share/man/man8"
for page in necod necod-cli; do gzip -9n <"packaging/man/$page.8" >"$root/usr/share/man/man8/$page.8.gz"; done
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/necod"

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: necod
Version: $version
Architecture: $arch
Maintainer: $maintainer
Depends: nodejs (>= 20.19), iproute2, libc6
Recommends: systemd, nftables
Section: net
Priority: optional
Homepage: https://github.com/necod/necod
Description: BGP-4 and BFD speaker for layer-3 data-center servers
 necod holds the iBGP sessions of a server to its top-of-rack switches,
 watches each uplink with BFD, installs what it learns into the kernel as
 ECMP routes, and advertises the server's own routes. necod-cli is its
 command line.
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
dpkg-deb --root-owner-group --build "$root" "$out/necod_${version}_${arch}.deb" >/dev/null
echo "$out/necod_${version}_${arch}.deb"
