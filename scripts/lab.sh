#!/usr/bin/env bash
# necod's main job in a self-contained lab: two top-of-rack route reflectors (BIRD 2)
# and two servers running necod, each server with one uplink into each ToR subnet and a
# management /32 on a dummy-like interface (a port-less bridge, node0). Everything lives
# in network namespaces named lab-*, removed again at the end.
#
#   ./scripts/lab.sh            build the lab, show what necod does, fail a ToR, tear down
#   ./scripts/lab.sh --keep     leave it running for exploration (./scripts/lab.sh --down removes it)
#
#           lab-tor1 (BIRD, RR)                 lab-tor2 (BIRD, RR)
#           br0 10.69.0.1/26                    br0 10.69.1.1/26
#            |              |                    |              |
#   up1 10.69.0.5    up1 10.69.0.6      up2 10.69.1.5    up2 10.69.1.6
#       lab-srv1 (necod, node0 10.70.0.1/32)  lab-srv2 (necod, node0 10.70.0.2/32)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=/tmp/necod-lab
KEEP=0
case "${1:-}" in
  --keep) KEEP=1 ;;
  --down) ;;
  "") ;;
  *) echo "usage: $0 [--keep|--down]" >&2; exit 2 ;;
esac

down() {
  for pidfile in "$RUN"/*.pid; do
    [[ -f $pidfile ]] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 0.5
  for ns in lab-srv1 lab-srv2 lab-tor1 lab-tor2; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$RUN"
}

if [[ ${1:-} == --down ]]; then down; exit 0; fi
[[ $(id -u) -eq 0 ]] || { echo "lab: needs root (network namespaces)" >&2; exit 1; }
./scripts/setup.sh >/dev/null
down
if ((KEEP == 0)); then trap down EXIT; fi
mkdir -p "$RUN"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
cli() { nsx "lab-$1" node "$ROOT/bin/necod-cli.js" --socket "$RUN/$1.sock" "${@:2}"; }

step "namespaces and links"
for ns in tor1 tor2 srv1 srv2; do ip netns add "lab-$ns"; nsx "lab-$ns" ip link set lo up; done
for t in 1 2; do
  nsx "lab-tor$t" ip link add br0 type bridge
  nsx "lab-tor$t" ip addr add "10.69.$((t - 1)).1/26" dev br0
  nsx "lab-tor$t" ip link set br0 up
  for s in 1 2; do
    ip link add "t${t}s${s}" netns "lab-tor$t" type veth peer name "up$t" netns "lab-srv$s"
    nsx "lab-tor$t" ip link set "t${t}s${s}" master br0 up
    nsx "lab-srv$s" ip addr add "10.69.$((t - 1)).$((4 + s))/26" dev "up$t"
    nsx "lab-srv$s" ip link set "up$t" up
  done
done
for s in 1 2; do
  nsx "lab-srv$s" ip link add node0 type bridge
  nsx "lab-srv$s" ip addr add "10.70.0.$s/32" dev node0
  nsx "lab-srv$s" ip link set node0 up
done

step "top-of-rack route reflectors (BIRD)"
for t in 1 2; do
  net="10.69.$((t - 1))"
  cat > "$RUN/tor$t.conf" <<CONF
router id $net.1;
protocol device {}
protocol direct { ipv4; interface "br0"; }
# What the spines would send: a default route and a remote block, next hop outside the rack.
protocol static spine {
  ipv4 { import filter { bgp_next_hop = 10.99.0.1; accept; }; };
  route 0.0.0.0/0 blackhole;
  route 10.80.0.0/16 blackhole;
}
template bgp server {
  local $net.1 as 64600;
  rr client; hold time 3; connect retry time 1; error wait time 1, 5;
  ipv4 { import all; export where source ~ [RTS_BGP, RTS_STATIC]; next hop keep; };
}
protocol bgp srv1 from server { neighbor $net.5 as 64600; }
protocol bgp srv2 from server { neighbor $net.6 as 64600; }
CONF
  nsx "lab-tor$t" bird -c "$RUN/tor$t.conf" -s "$RUN/tor$t.ctl" -P "$RUN/tor$t.pid"
done

step "servers (necod)"
for s in 1 2; do
  cat > "$RUN/srv$s.yaml" <<CONF
router-id: 10.70.0.$s
asn: 64600
api: {socket: $RUN/srv$s.sock}
log: {level: info}
originate:
  interfaces: [node0]
kernel: {table: main, nexthop-groups: auto}
neighbors:
  - {name: tor1, address: 10.69.0.1, remote-as: 64600, local-address: 10.69.0.$((4 + s)), hold-time: 3, connect-retry-time: 1}
  - {name: tor2, address: 10.69.1.1, remote-as: 64600, local-address: 10.69.1.$((4 + s)), hold-time: 3, connect-retry-time: 1}
CONF
  node "$ROOT/bin/necod.js" --check-config "$RUN/srv$s.yaml"
  nsx "lab-srv$s" node "$ROOT/bin/necod.js" --config "$RUN/srv$s.yaml" > "$RUN/srv$s.log" 2>&1 &
  echo $! > "$RUN/srv$s.pid"
done

wait_established() {
  for _ in $(seq 1 100); do
    if cli "$1" show protocols --json 2>/dev/null | grep -o '"state":"[A-Za-z]*"' | grep -vq Established; then sleep 0.2; continue; fi
    cli "$1" show protocols --json >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "lab: sessions on $1 did not come up; log:" >&2; tail -20 "$RUN/$1.log" >&2; return 1
}
wait_established srv1
wait_established srv2
sleep 1

step "srv1: sessions"
cli srv1 show protocols
step "srv1: routes (default and 10.80/16 rewritten to each ToR; srv2's /32 keeps its in-rack next hop)"
cli srv1 show routes
step "srv1: kernel (ECMP routes on shared nexthop groups)"
nsx lab-srv1 ip route show
cli srv1 show kernel
step "srv1 → srv2 management address"
nsx lab-srv1 ping -c 2 -W 1 -I 10.70.0.1 10.70.0.2 || true

step "tor1 fails (all its traffic dropped; the link stays up)"
nsx lab-tor1 nft add table inet lab
nsx lab-tor1 nft add chain inet lab in '{ type filter hook input priority 0; policy drop; }'
nsx lab-tor1 nft add chain inet lab forwarding '{ type filter hook forward priority 0; policy drop; }'
for _ in $(seq 1 50); do
  cli srv1 show protocols | grep -q 'tor1 .*Established' || break
  sleep 0.2
done
sleep 0.5
cli srv1 show protocols
cli srv1 show routes 10.70.0.2/32
nsx lab-srv1 ip route show 10.70.0.2
nsx lab-srv1 ping -c 2 -W 1 -I 10.70.0.1 10.70.0.2 || true

step "tor1 back"
nsx lab-tor1 nft delete table inet lab
wait_established srv1
sleep 1
cli srv1 show routes 10.70.0.2/32

if ((KEEP)); then
  step "lab left running: ip netns exec lab-srv1 node bin/necod-cli.js --socket $RUN/srv1.sock show routes; ./scripts/lab.sh --down"
fi
