#!/usr/bin/env bash
# necod's main job in a virtual data center on this machine: two spines and two racks, each rack
# with two top-of-rack route reflectors (BIRD 2, BFD toward the servers) and two servers running
# necod from docs/examples/server.yaml. Everything lives in network namespaces named lab-*; the
# topology is test/support/fabric.ts, the same builder the fabric test suite uses.
#
#   ./scripts/lab.sh            build it, show what necod does, cut an uplink, tear it down
#   ./scripts/lab.sh --keep     leave it running for exploration
#   ./scripts/lab.sh --down     remove a kept lab
#
#             lab-spine1   lab-spine2                 (AS 65000, eBGP to every ToR)
#        lab-r1-tor1 lab-r1-tor2   lab-r2-tor1 lab-r2-tor2  (AS 64600 / 64601, route reflectors,
#        br0 10.69.0.1/26 ...        10.69.2.1/26 ...       each with its own /26)
#        lab-r1-srv1 lab-r1-srv2   lab-r2-srv1 lab-r2-srv2  (necod; up1/up2 in the ToR subnets,
#        node0 10.70.0.1/32 ...    10.70.1.1/32 ...           pods 10.64.N.0/24 in table 119)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  ""|--keep|--down) ;;
  *) echo "usage: $0 [--keep|--down]" >&2; exit 2 ;;
esac
[[ $(id -u) -eq 0 ]] || { echo "lab: needs root (network namespaces); run: sudo $0 $*" >&2; exit 1; }

# What the lab runs: install the Debian packages if missing, or say what to run.
declare -A pkg_of=([bird]=bird2 [birdc]=bird2 [nft]=nftables [ip]=iproute2 [ping]=iputils-ping)
missing=()
for cmd in "${!pkg_of[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg_of[$cmd]}")
done
if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "lab: installing ${missing[*]}" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; then
    echo "lab: could not install; run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  # The package may start its own daemon; the lab runs its own copies in namespaces.
  service bird stop >/dev/null 2>&1 || true
fi
command -v node >/dev/null 2>&1 || { echo "lab: node (>= 20.19) is missing; install Node.js 20, then run ./scripts/setup.sh" >&2; exit 1; }
[[ -d node_modules ]] || { echo "lab: node_modules is missing; run ./scripts/setup.sh" >&2; exit 1; }

# Build when dist/ is missing or older than a source the lab runs.
stamp=dist/bench/lab.js
if [[ ! -f $stamp ]] || [[ -n $(find src bench test/support test/interop/harness docs/examples -newer "$stamp" -type f -print -quit) ]]; then
  echo "lab: building (npm run build)" >&2
  npm run build >/dev/null
fi
exec node dist/bench/lab.js "$@"
