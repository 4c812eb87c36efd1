#!/bin/sh
# Recaptures the `ip` samples used by the origin parsing tests. Needs root; everything happens
# in a throw-away network namespace, which is deleted at the end (also on failure).
# MAC addresses and link-local addresses differ from run to run; tests only rely on structure.
set -eu
cd "$(dirname "$0")"
NS="necod-capture-$$"
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$NS"
N() { ip -n "$NS" "$@"; }
N link set lo up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0

# ---- link and address events, as `ip -o monitor address link` prints them
ip -n "$NS" -o monitor address link > monitor-addr-link.txt 2>&1 & MON=$!
sleep 0.3
N link add node0 type bridge
N addr add 10.0.0.5/32 dev node0
N link set node0 up
N addr add 10.0.0.6/32 dev node0
N addr add 2001:db8::5/64 dev node0 nodad
N addr add 10.9.0.1 peer 10.9.0.2/32 dev node0
N addr add 192.168.50.10/24 dev node0
N addr del 10.0.0.6/32 dev node0
N link set node0 down
N link set node0 up
N link add veth7 type veth peer name veth7p
N link set veth7 up
N link set veth7p up
N link set node0 name node1
N link set node1 name node0
N link del veth7
N link del node0
sleep 0.3
kill "$MON"; wait "$MON" 2>/dev/null || true

# ---- `ip -json addr show`: node0 with several kinds of address, a down veth with an address,
# a tentative IPv6 address (DAD on for veth8)
N link add node0 type bridge
N addr add 10.0.0.5/32 dev node0
N addr add 192.168.50.10/24 dev node0
N addr add 192.168.50.11/24 dev node0
N addr add 10.9.0.1 peer 10.9.0.2/32 dev node0
N addr add 2001:db8::5/64 dev node0 nodad
N addr add 2001:db8:1::5/128 dev node0 nodad
N link set node0 up
N link add eth1 type veth peer name eth1p
N addr add 10.70.0.1/24 dev eth1
N link add veth8 type veth peer name veth8p
ip netns exec "$NS" sysctl -qw net.ipv6.conf.veth8.accept_dad=1
N link set veth8 up
N link set veth8p up
N addr add 2001:db8:8::1/64 dev veth8
N -json addr show > addr-show.json
N -json addr show dev node0 > addr-show-dev-node0.json
N -json addr show dev nosuch0 > addr-show-missing.json 2> addr-show-missing.stderr || true

# ---- kernel table 119, as `ip -N -json -d route show table 119` prints it
N link set eth1 up
N link set eth1p up
N link add eth2 type veth peer name eth2p
N addr add 10.71.0.1/24 dev eth2
N addr add 2001:db8:70::1/64 dev eth1 nodad
N link set eth2 up
N link set eth2p up
ip -n "$NS" -o -N monitor route > monitor-route.txt 2>&1 & MON=$!
sleep 0.3
# the subscribed rtnetlink socket of that monitor, as the namespace's netlink table shows it
{ echo "# /proc/$MON/net/netlink of \`ip monitor route\` (pid $MON) in a fresh namespace"; cat "/proc/$MON/net/netlink"; } > proc-net-netlink.txt
N route add 10.244.0.0/24 via 10.70.0.2 dev eth1 table 119
N route add 10.244.1.5 dev eth1 table 119
N route add blackhole 10.244.2.0/24 table 119
N route add unreachable 10.244.3.0/24 table 119
N route add prohibit 10.244.4.0/24 table 119
N route add throw 10.244.5.0/24 table 119
N route add 10.244.6.0/24 table 119 nexthop via 10.70.0.2 dev eth1 nexthop via 10.71.0.2 dev eth2
N route add 10.244.7.0/24 via 10.70.0.2 dev eth1 table 119 proto bird
N route add 10.244.8.0/24 via 10.70.0.2 dev eth1 table 119 proto 77
N route add default via 10.70.0.2 dev eth1 table 119
N route add 10.244.9.0/24 via 10.70.0.2 dev eth1 table 119 metric 10
N route add 10.244.9.0/24 via 10.71.0.2 dev eth2 table 119 metric 20
N nexthop add id 10 via 10.70.0.2 dev eth1
N route add 10.244.10.0/24 nhid 10 table 119
N route add 10.244.11.0/24 via 10.70.0.2 dev eth1 table 120
N route add 10.244.12.0/24 via 10.70.0.2 dev eth1
N -6 route add 2001:db8:244::/64 via 2001:db8:70::2 dev eth1 table 119
N -6 route add 2001:db8:245::/64 via fe80::1 dev eth1 table 119
N -6 route add blackhole 2001:db8:246::/64 table 119
N -6 route add unreachable 2001:db8:247::/64 table 119
N -6 route add 2001:db8:248::/64 dev eth1 table 119 metric 100
N -6 route add 2001:db8:248::/64 dev eth2 table 119 metric 200
N -6 route add 2001:db8:249::1 dev eth1 table 119
N -6 route add 2001:db8:24a::/64 table 119 nexthop via 2001:db8:70::2 dev eth1 nexthop via fe80::2 dev eth2
N route del 10.244.1.5 table 119
N route replace 10.244.0.0/24 via 10.71.0.2 dev eth2 table 119
N route del 10.244.11.0/24 table 120
N route del 10.244.12.0/24
# local-table routes the kernel makes for a new address
N addr add 10.70.0.9/24 dev eth1
sleep 0.3
kill "$MON"; wait "$MON" 2>/dev/null || true
N route add 10.244.1.5 dev eth1 table 119
N -N -json -d -4 route show table 119 > route-show-119-v4.json
N -N -json -d -6 route show table 119 > route-show-119-v6.json
N -N -json -d -4 route show table 121 > route-show-missing.json 2> route-show-missing.stderr || true
N -N -json -d -6 route show table 121 > route-show-missing-v6.json 2> route-show-missing-v6.stderr || true
