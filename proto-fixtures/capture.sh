#!/usr/bin/env bash
# Capture real BGP sessions between BIRD 2, FRR, GoBGP and ExaBGP.
#
# Every scenario builds its own network namespaces joined by veth pairs, starts
# the daemons as plain processes with configuration files generated into a
# temporary directory, records TCP port 179 with dumpcap inside one namespace,
# triggers a few protocol events and tears everything down again.  The result
# is written to proto-fixtures/captures/<scenario>.pcapng.
#
# Usage: sudo proto-fixtures/capture.sh [scenario...]   (default: all)
# Scenarios: bird-frr-ipv4v6 exabgp-frr-bird-as2 frr-rr-bird-gobgp
#            exabgp-gobgp-attrs bird-gobgp-addpath notifications bfd
# (bfd also runs necod itself: build it first with `npm run build`)
#
# Only addresses inside the namespaces created here (10.x, fd00::/16,
# link-local) and loopback are used.  All processes and namespaces are removed
# on exit, also on failure or interrupt.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/captures"
ALL_SCENARIOS=(bird-frr-ipv4v6 exabgp-frr-bird-as2 frr-rr-bird-gobgp
  exabgp-gobgp-attrs bird-gobgp-addpath notifications bfd)

FRR_DIR=/usr/lib/frr
NS_PREFIX="ncf$$"          # namespace names: ncf<pid>-<name>
WORK=""
declare -a PIDS=()          # every background process started here
declare -a NAMESPACES=()    # every namespace created here

log() { printf '[capture] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- cleanup ---

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local i ns pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${PIDS[$i]}"
  done
  PIDS=()
  for ns in "${NAMESPACES[@]}"; do
    # anything still running inside a namespace created here
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
  NAMESPACES=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    if [[ $rc -ne 0 && -n "${KEEP_WORK:-}" ]]; then
      log "keeping $WORK for inspection"
    else
      rm -rf "$WORK"
    fi
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers ---

# bounded wait: wait_for DESCRIPTION TRIES(x0.2s) COMMAND...
wait_for() {
  local what=$1 tries=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "timed out waiting for $what"
}

nsname() { echo "$NS_PREFIX-$1"; }
inns() { local ns; ns=$(nsname "$1"); shift; ip netns exec "$ns" "$@"; }

mkns() {
  local ns
  ns=$(nsname "$1")
  ip netns add "$ns"
  NAMESPACES+=("$ns")
  ip -n "$ns" link set lo up
  # no duplicate address detection: link-local addresses usable at once
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
}

# link NS1 IF1 NS2 IF2 : veth pair between two namespaces
link() {
  local ns1 ns2
  ns1=$(nsname "$1") ns2=$(nsname "$3")
  ip link add "$2" netns "$ns1" type veth peer name "$4" netns "$ns2"
  ip -n "$ns1" link set "$2" up
  ip -n "$ns2" link set "$4" up
}

# addr NS IF ADDR/LEN...
addr() {
  local ns dev a
  ns=$(nsname "$1") dev=$2
  shift 2
  for a in "$@"; do
    if [[ $a == *:* ]]; then
      ip -n "$ns" addr add "$a" dev "$dev" nodad
    else
      ip -n "$ns" addr add "$a" dev "$dev"
    fi
  done
}

# small_mtu NS IF : 576-byte MTU and no segmentation offload, so that the
# capture shows real TCP segments and BGP messages that span two of them
small_mtu() {
  ip -n "$(nsname "$1")" link set "$2" mtu 576 gso_max_segs 1
}

has_linklocal() {
  ip -n "$(nsname "$1")" -6 addr show dev "$2" scope link | grep -q 'inet6 fe80' &&
    ! ip -n "$(nsname "$1")" -6 addr show dev "$2" | grep -q tentative
}

bg() { # bg LOGNAME command... : start in background, remember pid
  local logname=$1
  shift
  "$@" >"$WORK/$logname.out" 2>&1 &
  PIDS+=("$!")
  LAST_PID=$!
}

# ---------------------------------------------------------------- capture ---

CAP_PID=""
CAP_FILE=""
CAP_FILTER='tcp port 179'   # the BFD scenario sets its own
start_capture() { # start_capture SCENARIO NS IF...
  local scen=$1 ns=$2
  shift 2
  local args=() ifc
  for ifc in "$@"; do args+=(-i "$ifc"); done
  CAP_FILE="$WORK/$scen.pcapng"
  bg "dumpcap-$scen" ip netns exec "$(nsname "$ns")" \
    dumpcap -q -f "$CAP_FILTER" -s 0 "${args[@]}" -w "$CAP_FILE"
  CAP_PID=$LAST_PID
  wait_for "dumpcap in $ns" 50 test -s "$CAP_FILE"
  sleep 0.5
}

stop_capture() { # stop_capture SCENARIO
  local scen=$1
  sleep 0.5
  kill -INT "$CAP_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    kill -0 "$CAP_PID" 2>/dev/null || break
    sleep 0.1
  done
  stop_pid "$CAP_PID"
  mkdir -p "$OUT"
  cp "$CAP_FILE" "$OUT/$scen.pcapng"
  chmod 644 "$OUT/$scen.pcapng"
  log "$scen: $(stat -c %s "$OUT/$scen.pcapng") bytes -> captures/$scen.pcapng"
}

# ---------------------------------------------------------------- daemons ---

# BIRD: start_bird NS NAME (config in $WORK/NAME.conf)
start_bird() {
  local ns=$1 name=$2
  bird -p -c "$WORK/$name.conf" || die "bad BIRD config $name"
  bg "$name" ip netns exec "$(nsname "$ns")" \
    bird -f -c "$WORK/$name.conf" -s "$WORK/$name.ctl" -P "$WORK/$name.pid"
  wait_for "BIRD $name control socket" 50 test -S "$WORK/$name.ctl"
}
birdc_() { local name=$1; shift; birdc -s "$WORK/$name.ctl" "$@"; }
bird_established() { birdc_ "$1" show protocols "$2" | grep -q Established; }

# FRR: start_frr NS NAME (bgpd config in $WORK/NAME.conf)
start_frr() {
  local ns=$1 name=$2
  local dir="$WORK/$name"
  mkdir -p "$dir"
  chown frr:frr "$dir"
  printf 'hostname %s-zebra\n' "$name" >"$dir/zebra.conf"
  cp "$WORK/$name.conf" "$dir/bgpd.conf"
  chown frr:frr "$dir/zebra.conf" "$dir/bgpd.conf"
  bg "$name-zebra" ip netns exec "$(nsname "$ns")" \
    "$FRR_DIR/zebra" -f "$dir/zebra.conf" -i "$dir/zebra.pid" -z "$dir/zserv.api" \
    --vty_socket "$dir" -u frr -g frr -P 0 --log "file:$dir/zebra.log"
  wait_for "zebra $name" 50 test -S "$dir/zserv.api"
  bg "$name-bgpd" ip netns exec "$(nsname "$ns")" \
    "$FRR_DIR/bgpd" -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" -z "$dir/zserv.api" \
    --vty_socket "$dir" -u frr -g frr -P 0 -n --log "file:$dir/bgpd.log"
  wait_for "bgpd $name" 50 test -S "$dir/bgpd.vty"
}
vtysh_() { local name=$1; shift; vtysh --vty_socket "$WORK/$name" "$@"; }
frr_established() {
  vtysh_ "$1" -c "show bgp neighbors $2 json" | grep -q '"bgpState":"Established"'
}

# GoBGP: start_gobgp NS NAME (config in $WORK/NAME.toml); API on ns loopback
start_gobgp() {
  local ns=$1 name=$2
  gobgpd -d -f "$WORK/$name.toml" >/dev/null || die "bad GoBGP config $name"
  # own UTS namespace: GoBGP announces the host name in its FQDN capability
  bg "$name" ip netns exec "$(nsname "$ns")" unshare --uts sh -c 'hostname "$0" && exec "$@"' \
    "$name" gobgpd -f "$WORK/$name.toml" --api-hosts 127.0.0.1:50051 --pprof-disable -p
  wait_for "gobgpd $name API" 50 inns "$ns" gobgp global
}
gobgp_() { local ns=$1; shift; inns "$ns" gobgp -u 127.0.0.1 -p 50051 "$@"; }
gobgp_established() { gobgp_ "$1" neighbor "$2" | grep -qi 'BGP state = established'; }

# ExaBGP: start_exabgp NS NAME (config in $WORK/NAME.conf)
start_exabgp() {
  local ns=$1 name=$2
  bg "$name" ip netns exec "$(nsname "$ns")" env \
    exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_daemon_daemonize=false \
    exabgp_api_cli=false exabgp_log_destination=stdout exabgp_log_level=INFO \
    exabgp_api_ack=false exabgp "$WORK/$name.conf"
}

# ============================================================== scenarios ===

# --- 1. BIRD <-> FRR: eBGP, IPv4 and IPv6 sessions, 4-octet AS, roles, ENHE --
# BIRD AS 65001 and FRR AS 4200000002 on one link.  An IPv4 session carries
# IPv4 unicast; an IPv6 session carries IPv6 unicast (global + link-local next
# hop) and IPv4 unicast with IPv6 next hops (extended next hop, RFC 8950).
# Communities (incl. NO_EXPORT), extended and large communities, MED, OTC
# (BGP roles), aggregation with ATOMIC_AGGREGATE/AGGREGATOR, graceful restart
# (End-of-RIB), route refresh and enhanced route refresh in both directions,
# withdrawals, and two administrative shutdowns with a shutdown communication.
scenario_bird_frr_ipv4v6() {
  local scen=bird-frr-ipv4v6
  mkns bird; mkns frr
  link bird eth-frr frr eth-bird
  addr bird eth-frr 10.1.0.1/24 fd00:1::1/64
  addr frr eth-bird 10.1.0.2/24 fd00:1::2/64
  wait_for "link-local address" 50 has_linklocal bird eth-frr
  wait_for "link-local address" 50 has_linklocal frr eth-bird

  cat >"$WORK/bird1.conf" <<CONF
router id 10.1.0.1;
log "$WORK/bird1.log" all;
protocol device { scan time 10; }
ipv4 table master4;
ipv6 table master6;
protocol static s4 {
  ipv4;
  route 10.1.100.0/24 blackhole;
  route 10.1.101.0/24 blackhole {
    bgp_community.add((65001,101)); bgp_community.add((65535,65281));
    bgp_ext_community.add((rt,65001,101)); bgp_ext_community.add((ro,10.1.0.1,7));
    bgp_large_community.add((65001,101,1)); bgp_med = 50;
  };
  route 10.1.102.0/25 blackhole { bgp_origin = ORIGIN_INCOMPLETE; bgp_large_community.add((4200000002,1,2)); };
}
protocol static s6 {
  ipv6;
  route fd00:1:100::/48 blackhole;
  route fd00:1:101::/48 blackhole { bgp_community.add((65001,601)); bgp_large_community.add((65001,601,1)); bgp_med = 60; };
}
protocol bgp frr4 {
  local 10.1.0.1 as 65001;
  neighbor 10.1.0.2 as 4200000002;
  hold time 30;
  graceful restart on;
  long lived graceful restart on;
  enable extended messages on;
  local role provider;
  ipv4 { import all; export all; };
}
protocol bgp frr6 {
  local fd00:1::1 as 65001;
  neighbor fd00:1::2 as 4200000002;
  interface "eth-frr";
  hold time 30;
  graceful restart on;
  ipv6 { import all; export all; };
  ipv4 { import all; export all; extended next hop on; };
}
CONF

  cat >"$WORK/frr1.conf" <<CONF
frr defaults traditional
hostname frr1
router bgp 4200000002
 bgp router-id 10.1.0.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 bgp graceful-restart
 neighbor 10.1.0.1 remote-as 65001
 neighbor 10.1.0.1 local-role customer
 neighbor fd00:1::1 remote-as 65001
 neighbor fd00:1::1 capability extended-nexthop
 address-family ipv4 unicast
  network 10.1.200.0/24
  network 10.1.201.0/24 route-map SET4
  aggregate-address 10.1.200.0/23
  neighbor 10.1.0.1 activate
  neighbor fd00:1::1 activate
 exit-address-family
 address-family ipv6 unicast
  network fd00:1:200::/48
  network fd00:1:201::/48 route-map SET6
  neighbor fd00:1::1 activate
 exit-address-family
!
route-map SET4 permit 10
 set community 65002:201 65002:202
 set extcommunity rt 4200000002:201 65002:7
 set extcommunity soo 10.1.0.2:5
 set large-community 4200000002:201:1
 set metric 77
 set origin egp
!
route-map SET6 permit 10
 set large-community 4200000002:601:1 4200000002:601:2
 set origin incomplete
!
CONF

  start_capture "$scen" frr eth-bird
  start_frr frr frr1
  start_bird bird bird1
  wait_for "frr4 Established" 100 bird_established bird1 frr4
  wait_for "frr6 Established" 100 bird_established bird1 frr6
  sleep 3
  log "$scen: route refresh BIRD -> FRR (IPv4)"
  birdc_ bird1 reload in frr4 >/dev/null
  sleep 1
  log "$scen: route refresh FRR -> BIRD (IPv6)"
  vtysh_ frr1 -c 'clear bgp ipv6 unicast fd00:1::1 soft in' >/dev/null
  sleep 1
  log "$scen: withdraw and re-announce BIRD IPv4 routes"
  birdc_ bird1 disable s4 >/dev/null
  sleep 1
  birdc_ bird1 enable s4 >/dev/null
  sleep 1
  log "$scen: withdraw one FRR IPv6 route"
  vtysh_ frr1 -c 'configure terminal' -c 'router bgp 4200000002' \
    -c 'address-family ipv6 unicast' -c 'no network fd00:1:201::/48' >/dev/null
  sleep 1
  log "$scen: FRR shuts the IPv4 session down with a message"
  vtysh_ frr1 -c 'configure terminal' -c 'router bgp 4200000002' \
    -c 'neighbor 10.1.0.1 shutdown message maintenance window 42, back soon' >/dev/null
  sleep 1
  log "$scen: BIRD shuts the IPv6 session down with a message"
  birdc_ bird1 disable frr6 '"BIRD going down for upgrade"' >/dev/null
  sleep 1
  stop_capture "$scen"
  stop_all
}

# --- 2. ExaBGP -> FRR -> BIRD: 4-octet AS paths through a 2-octet session ----
# ExaBGP (AS 4200000001) announces routes whose AS paths and AGGREGATOR hold
# 4-octet ASNs to FRR (AS 65010).  FRR aggregates some of them (one aggregate
# with AS_SET, one without, giving ATOMIC_AGGREGATE) and passes everything on
# to BIRD (AS 65020) which runs without the 4-octet AS capability: the wire
# then carries AS_TRANS (23456), AS4_PATH and AS4_AGGREGATOR.  BIRD announces
# a route whose path holds a 4-octet ASN, so BIRD builds AS4_PATH as well.
# The FRR-BIRD link has a 576-byte MTU without segmentation offload, so some
# messages span two TCP segments.  The capture holds both of FRR's links.
scenario_exabgp_frr_bird_as2() {
  local scen=exabgp-frr-bird-as2
  mkns exa; mkns frr; mkns bird
  link exa eth-frr frr eth-exa
  link frr eth-bird bird eth-frr
  addr exa eth-frr 10.2.1.1/24
  addr frr eth-exa 10.2.1.2/24
  addr frr eth-bird 10.2.2.1/24
  addr bird eth-frr 10.2.2.2/24
  small_mtu frr eth-bird
  small_mtu bird eth-frr

  cat >"$WORK/exa2.conf" <<CONF
neighbor 10.2.1.2 {
  router-id 10.2.1.1;
  local-address 10.2.1.1;
  local-as 4200000001;
  peer-as 65010;
  hold-time 30;
  group-updates false;
  capability {
    route-refresh;
  }
  family {
    ipv4 unicast;
  }
  static {
    route 10.2.50.0/24 next-hop 10.2.1.1 origin igp as-path [ 4200000001 4200000011 65555 ];
    route 10.2.51.0/24 next-hop 10.2.1.1 origin egp as-path [ 4200000001 4200000012 ] aggregator ( 4200000012:10.2.99.1 ) atomic-aggregate community [ 65010:51 ];
    route 10.2.52.0/24 next-hop 10.2.1.1 as-path [ 4200000001 4200000013 ];
    route 10.2.53.0/24 next-hop 10.2.1.1 as-path [ 4200000001 4200000014 64999 ] med 53;
  }
}
CONF

  cat >"$WORK/frr2.conf" <<CONF
frr defaults traditional
hostname frr2
router bgp 65010
 bgp router-id 10.2.0.10
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 10.2.1.1 remote-as 4200000001
 neighbor 10.2.2.2 remote-as 65020
 address-family ipv4 unicast
  network 10.2.210.0/24
  aggregate-address 10.2.52.0/23 as-set summary-only
  aggregate-address 10.2.48.0/21
  neighbor 10.2.1.1 activate
  neighbor 10.2.2.2 activate
 exit-address-family
!
CONF

  cat >"$WORK/bird2.conf" <<CONF
router id 10.2.2.2;
log "$WORK/bird2.log" all;
protocol device { scan time 10; }
protocol static s4 {
  ipv4;
  route 10.2.220.0/24 blackhole {
    bgp_path = +empty+; bgp_path.prepend(4200000099); bgp_path.prepend(65021);
    bgp_community.add((65020,220));
  };
  route 10.2.221.0/24 blackhole;
}
protocol bgp frr {
  local 10.2.2.2 as 65020;
  neighbor 10.2.2.1 as 65010;
  hold time 30;
  enable as4 off;
  ipv4 { import all; export all; };
}
CONF

  start_capture "$scen" frr eth-exa eth-bird
  start_frr frr frr2
  start_bird bird bird2
  start_exabgp exa exa2
  wait_for "FRR <-> ExaBGP" 100 frr_established frr2 10.2.1.1
  wait_for "FRR <-> BIRD" 100 frr_established frr2 10.2.2.2
  sleep 3
  log "$scen: route refresh BIRD -> FRR on the 2-octet session"
  birdc_ bird2 reload in frr >/dev/null
  sleep 1
  log "$scen: BIRD withdraws its routes"
  birdc_ bird2 disable s4 >/dev/null
  sleep 2
  stop_capture "$scen"
  stop_all
}

# --- 3. FRR route reflector with BIRD and GoBGP clients, ADD-PATH ------------
# iBGP AS 65100.  FRR reflects between BIRD and GoBGP (ORIGINATOR_ID,
# CLUSTER_LIST, LOCAL_PREF) and sends all paths to both clients with ADD-PATH
# for IPv4 and IPv6 unicast; both AFIs share one IPv4 transport session per
# client.  GoBGP announces two paths for one prefix (path identifiers), an
# AIGP attribute and NO_EXPORT; graceful restart gives End-of-RIB markers.
# Events: route refresh from FRR to both clients (BIRD answers with enhanced
# route refresh), ADD-PATH withdrawals, and GoBGP shutting its session down
# with a shutdown communication.  The capture holds both of FRR's links.
scenario_frr_rr_bird_gobgp() {
  local scen=frr-rr-bird-gobgp
  mkns rr; mkns bird; mkns gobgp
  link rr eth-bird bird eth-rr
  link rr eth-gobgp gobgp eth-rr
  addr rr eth-bird 10.3.1.1/24 fd00:3:1::1/64
  addr bird eth-rr 10.3.1.2/24 fd00:3:1::2/64
  addr rr eth-gobgp 10.3.2.1/24 fd00:3:2::1/64
  addr gobgp eth-rr 10.3.2.2/24 fd00:3:2::2/64

  cat >"$WORK/rr3.conf" <<CONF
frr defaults traditional
hostname rr3
router bgp 65100
 bgp router-id 10.3.0.100
 bgp cluster-id 10.3.255.1
 no bgp default ipv4-unicast
 no bgp network import-check
 bgp graceful-restart
 neighbor 10.3.1.2 remote-as 65100
 neighbor 10.3.2.2 remote-as 65100
 address-family ipv4 unicast
  network 10.3.100.0/24 route-map RR4
  neighbor 10.3.1.2 activate
  neighbor 10.3.1.2 route-reflector-client
  neighbor 10.3.1.2 addpath-tx-all-paths
  neighbor 10.3.2.2 activate
  neighbor 10.3.2.2 route-reflector-client
  neighbor 10.3.2.2 addpath-tx-all-paths
 exit-address-family
 address-family ipv6 unicast
  network fd00:3:100::/48
  neighbor 10.3.1.2 activate
  neighbor 10.3.1.2 route-reflector-client
  neighbor 10.3.1.2 addpath-tx-all-paths
  neighbor 10.3.2.2 activate
  neighbor 10.3.2.2 route-reflector-client
  neighbor 10.3.2.2 addpath-tx-all-paths
 exit-address-family
!
route-map RR4 permit 10
 set local-preference 250
 set community 65100:100 no-export
!
CONF

  cat >"$WORK/bird3.conf" <<CONF
router id 10.3.1.2;
log "$WORK/bird3.log" all;
protocol device { scan time 10; }
ipv4 table master4;
ipv6 table master6;
protocol static s4 {
  ipv4;
  route 10.3.50.0/24 blackhole;
  route 10.3.51.0/24 blackhole { bgp_local_pref = 200; bgp_med = 10; bgp_community.add((65100,51)); };
}
protocol static s6 {
  ipv6;
  route fd00:3:50::/48 blackhole;
  route fd00:3:51::/48 blackhole { bgp_local_pref = 210; };
}
protocol bgp reflector {
  local 10.3.1.2 as 65100;
  neighbor 10.3.1.1 as 65100;
  hold time 30;
  graceful restart on;
  ipv4 { import all; export all; add paths rx; };
  ipv6 { import all; export all; add paths rx; next hop address fd00:3:1::2; };
}
CONF

  cat >"$WORK/gobgp3.toml" <<CONF
[global.config]
  as = 65100
  router-id = "10.3.2.2"
  local-address-list = ["10.3.2.2"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.3.2.1"
    peer-as = 65100
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 30
  [neighbors.transport.config]
    local-address = "10.3.2.2"
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 60
  [neighbors.add-paths.config]
    send-max = 4
    receive = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
CONF

  start_capture "$scen" rr eth-bird eth-gobgp
  start_frr rr rr3
  start_gobgp gobgp gobgp3
  gobgp_ gobgp global rib add -a ipv4 10.3.50.0/24 nexthop 10.3.2.2 local-pref 150 med 20 \
    community 65100:50,no-export large-community 65100:50:1
  gobgp_ gobgp global rib add -a ipv4 10.3.60.0/24 nexthop 10.3.2.2 identifier 1 origin egp
  gobgp_ gobgp global rib add -a ipv4 10.3.60.0/24 nexthop 10.3.2.3 identifier 2 med 5
  gobgp_ gobgp global rib add -a ipv6 fd00:3:50::/48 nexthop fd00:3:2::2 aigp metric 100
  gobgp_ gobgp global rib add -a ipv6 fd00:3:60::/48 nexthop fd00:3:2::2 identifier 1
  gobgp_ gobgp global rib add -a ipv6 fd00:3:60::/48 nexthop fd00:3:2::3 identifier 2
  start_bird bird bird3
  wait_for "FRR <-> GoBGP" 100 frr_established rr3 10.3.2.2
  wait_for "FRR <-> BIRD" 100 frr_established rr3 10.3.1.2
  sleep 3
  log "$scen: route refresh FRR -> GoBGP (IPv6)"
  vtysh_ rr3 -c 'clear bgp ipv6 unicast 10.3.2.2 soft in' >/dev/null
  sleep 1
  log "$scen: route refresh FRR -> BIRD (IPv4)"
  vtysh_ rr3 -c 'clear bgp ipv4 unicast 10.3.1.2 soft in' >/dev/null
  sleep 1
  log "$scen: GoBGP withdraws one path of each multipath prefix"
  gobgp_ gobgp global rib del -a ipv4 10.3.60.0/24 identifier 2
  gobgp_ gobgp global rib del -a ipv6 fd00:3:60::/48 identifier 2
  sleep 1
  log "$scen: GoBGP shuts its session down with a message"
  gobgp_ gobgp neighbor 10.3.2.1 shutdown --reason "gobgp: planned maintenance" >/dev/null 2>&1
  sleep 2
  stop_capture "$scen"
  stop_all
}

# --- 4. ExaBGP <-> GoBGP: unusual attributes, ADD-PATH both ways --------------
# iBGP AS 65040 over one IPv4 session carrying IPv4 and IPv6 unicast, ADD-PATH
# send/receive on both AFIs.  ExaBGP puts hand-made attributes on the wire:
# well-known communities, extended communities (route target / route origin,
# 2-octet AS and IPv4 forms), large communities, AS_SET, AGGREGATOR,
# ATOMIC_AGGREGATE, ORIGINATOR_ID, CLUSTER_LIST, MED, LOCAL_PREF, AIGP, an
# unknown optional transitive attribute and one with the extended-length flag
# on a short value.  GoBGP announces two paths per prefix.  Events: ExaBGP
# sends a ROUTE-REFRESH, withdraws single paths and announces a new route;
# GoBGP ends the session with an administrative shutdown.
scenario_exabgp_gobgp_attrs() {
  local scen=exabgp-gobgp-attrs
  mkns exa; mkns gobgp
  link exa eth-gobgp gobgp eth-exa
  addr exa eth-gobgp 10.4.0.1/24 fd00:4::1/64
  addr gobgp eth-exa 10.4.0.2/24 fd00:4::2/64

  cat >"$WORK/exa4-events.sh" <<CONF
#!/bin/sh
# ExaBGP API process: waits for the go signal, then issues commands.
i=0
while [ ! -e "$WORK/exa4.go" ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
echo "announce route-refresh ipv4 unicast"
sleep 1
echo "withdraw route 10.4.1.0/24 path-information 2 next-hop 10.4.0.3"
echo "withdraw route fd00:4:1::/48 path-information 2 next-hop fd00:4::3"
sleep 1
echo "announce route 10.4.7.0/24 path-information 7 next-hop 10.4.0.1 origin incomplete as-path [ 65007 ] community [ 65040:7 ]"
echo "announce route fd00:4:7::/48 path-information 7 next-hop fd00:4::1 med 7"
sleep 60
CONF
  chmod 755 "$WORK/exa4-events.sh"

  cat >"$WORK/exa4.conf" <<CONF
process events {
  run $WORK/exa4-events.sh;
  encoder text;
}
neighbor 10.4.0.2 {
  router-id 10.4.0.1;
  local-address 10.4.0.1;
  local-as 65040;
  peer-as 65040;
  hold-time 30;
  group-updates true;
  capability {
    route-refresh;
    graceful-restart 90;
    add-path send/receive;
    aigp enable;
  }
  family {
    ipv4 unicast;
    ipv6 unicast;
  }
  add-path {
    ipv4 unicast;
    ipv6 unicast;
  }
  api {
    processes [ events ];
  }
  static {
    route 10.4.1.0/24 path-information 1 next-hop 10.4.0.1;
    route 10.4.1.0/24 path-information 2 next-hop 10.4.0.3 med 20;
    route 10.4.2.0/24 path-information 1 next-hop 10.4.0.1 community [ 65040:1 no-export no-advertise no-export-subconfed 65535:666 ] extended-community [ target:65040:1 origin:65040:2 target:10.4.0.1:3 ] large-community [ 65040:1:2 4200000000:3:4 ];
    route 10.4.3.0/24 path-information 1 next-hop 10.4.0.1 origin egp as-path [ 65001 65002 ( 65003 65004 ) ] aggregator ( 65002:10.4.0.9 ) atomic-aggregate med 100 local-preference 300 originator-id 10.4.0.9 cluster-list [ 10.4.0.8 10.4.0.7 ];
    route 10.4.4.0/24 path-information 1 next-hop 10.4.0.1 attribute [ 0x99 0xc0 0x0102 ];
    route 10.4.5.0/24 path-information 1 next-hop 10.4.0.1 attribute [ 0x9a 0xd0 0x00c0ffee ];
    route 10.4.6.0/24 path-information 1 next-hop 10.4.0.1 aigp 1000;
    route fd00:4:1::/48 path-information 1 next-hop fd00:4::1;
    route fd00:4:1::/48 path-information 2 next-hop fd00:4::3 community [ 65040:6 ];
    route fd00:4:2::/64 path-information 1 next-hop fd00:4::1 large-community [ 65040:6:1 ] local-preference 120;
  }
}
CONF

  cat >"$WORK/gobgp4.toml" <<CONF
[global.config]
  as = 65040
  router-id = "10.4.0.2"
  local-address-list = ["10.4.0.2"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.4.0.1"
    peer-as = 65040
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 30
  [neighbors.transport.config]
    local-address = "10.4.0.2"
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 90
  [neighbors.add-paths.config]
    send-max = 4
    receive = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
CONF

  start_capture "$scen" gobgp eth-exa
  start_gobgp gobgp gobgp4
  gobgp_ gobgp global rib add -a ipv4 10.4.200.0/24 nexthop 10.4.0.2 identifier 1 \
    aspath "65100 {65101,65102}" large-community 65040:200:1
  gobgp_ gobgp global rib add -a ipv4 10.4.200.0/24 nexthop 10.4.0.22 identifier 2 med 200
  gobgp_ gobgp global rib add -a ipv6 fd00:4:200::/48 nexthop fd00:4::2 identifier 1 community 65040:200
  gobgp_ gobgp global rib add -a ipv6 fd00:4:200::/48 nexthop fd00:4::22 identifier 2
  start_exabgp exa exa4
  wait_for "GoBGP <-> ExaBGP" 100 gobgp_established gobgp 10.4.0.1
  sleep 3
  log "$scen: ExaBGP route refresh, withdrawals and a new route"
  touch "$WORK/exa4.go"
  sleep 4
  log "$scen: GoBGP shuts the session down"
  gobgp_ gobgp neighbor 10.4.0.1 shutdown --reason "gobgp: session closed for maintenance" >/dev/null 2>&1
  sleep 1
  stop_capture "$scen"
  stop_all
}

# --- 5. BIRD <-> GoBGP: ADD-PATH in both directions, IPv4 and IPv6 ------------
# eBGP, BIRD AS 65060 and GoBGP AS 65061, one IPv4 session (IPv4 unicast) and
# one IPv6 session (IPv6 unicast).  BIRD has two static sources for the same
# prefixes and sends every path (add paths on); GoBGP sends two paths per
# prefix (identifiers 1 and 2).  Graceful restart (End-of-RIB), route refresh
# from BIRD, ADD-PATH withdrawals from both sides, and an administrative reset
# (Cease 6/4) of the IPv4 session which then comes up again.
scenario_bird_gobgp_addpath() {
  local scen=bird-gobgp-addpath
  mkns bird; mkns gobgp
  link bird eth-gobgp gobgp eth-bird
  addr bird eth-gobgp 10.6.0.1/24 fd00:6::1/64
  addr gobgp eth-bird 10.6.0.2/24 fd00:6::2/64
  wait_for "link-local address" 50 has_linklocal bird eth-gobgp
  wait_for "link-local address" 50 has_linklocal gobgp eth-bird

  cat >"$WORK/bird5.conf" <<CONF
router id 10.6.0.1;
log "$WORK/bird5.log" all;
protocol device { scan time 10; }
ipv4 table master4;
ipv6 table master6;
protocol static sa4 {
  ipv4;
  route 10.6.10.0/24 blackhole;
  route 10.6.11.0/24 blackhole { bgp_med = 11; };
}
protocol static sb4 {
  ipv4;
  route 10.6.10.0/24 blackhole { bgp_community.add((65060,2)); };
  route 10.6.11.0/24 blackhole { bgp_med = 22; bgp_large_community.add((65060,2,2)); };
}
protocol static sa6 {
  ipv6;
  route fd00:6:10::/48 blackhole;
}
protocol static sb6 {
  ipv6;
  route fd00:6:10::/48 blackhole { bgp_community.add((65060,6)); };
}
protocol bgp gobgp4 {
  local 10.6.0.1 as 65060;
  neighbor 10.6.0.2 as 65061;
  hold time 30;
  graceful restart on;
  ipv4 { import all; export all; add paths on; };
}
protocol bgp gobgp6 {
  local fd00:6::1 as 65060;
  neighbor fd00:6::2 as 65061;
  interface "eth-gobgp";
  hold time 30;
  graceful restart on;
  ipv6 { import all; export all; add paths on; };
}
CONF

  cat >"$WORK/gobgp5.toml" <<CONF
[global.config]
  as = 65061
  router-id = "10.6.0.2"
  local-address-list = ["10.6.0.2", "fd00:6::2"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.6.0.1"
    peer-as = 65060
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 30
  [neighbors.transport.config]
    local-address = "10.6.0.2"
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 60
  [neighbors.add-paths.config]
    send-max = 4
    receive = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true

[[neighbors]]
  [neighbors.config]
    neighbor-address = "fd00:6::1"
    peer-as = 65060
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 30
  [neighbors.transport.config]
    local-address = "fd00:6::2"
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 60
  [neighbors.add-paths.config]
    send-max = 4
    receive = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
CONF

  start_capture "$scen" bird eth-gobgp
  start_gobgp gobgp gobgp5
  gobgp_ gobgp global rib add -a ipv4 10.6.20.0/24 nexthop 10.6.0.2 identifier 1 community 65061:1
  gobgp_ gobgp global rib add -a ipv4 10.6.20.0/24 nexthop 10.6.0.22 identifier 2 med 2
  gobgp_ gobgp global rib add -a ipv4 10.6.21.0/24 nexthop 10.6.0.2 identifier 1
  gobgp_ gobgp global rib add -a ipv6 fd00:6:20::/48 nexthop fd00:6::2 identifier 1
  gobgp_ gobgp global rib add -a ipv6 fd00:6:20::/48 nexthop fd00:6::22 identifier 2 large-community 65061:2:2
  start_bird bird bird5
  wait_for "BIRD <-> GoBGP (IPv4)" 100 bird_established bird5 gobgp4
  wait_for "BIRD <-> GoBGP (IPv6)" 100 bird_established bird5 gobgp6
  sleep 3
  log "$scen: route refresh BIRD -> GoBGP (IPv4)"
  birdc_ bird5 reload in gobgp4 >/dev/null
  sleep 1
  log "$scen: ADD-PATH withdrawals from both sides"
  birdc_ bird5 disable sb4 >/dev/null
  birdc_ bird5 disable sb6 >/dev/null
  gobgp_ gobgp global rib del -a ipv4 10.6.20.0/24 identifier 2
  gobgp_ gobgp global rib del -a ipv6 fd00:6:20::/48 identifier 2
  sleep 1
  log "$scen: BIRD resets the IPv4 session"
  birdc_ bird5 restart gobgp4 >/dev/null
  wait_for "BIRD <-> GoBGP (IPv4) again" 100 bird_established bird5 gobgp4
  sleep 2
  stop_capture "$scen"
  stop_all
}

# --- 6. NOTIFICATION messages --------------------------------------------------
# BIRD (AS 65070) in the middle, GoBGP (AS 65071) and FRR (AS 65072) around
# it, several sessions per link on separate addresses:
#   GoBGP expects the wrong peer AS         -> GoBGP sends OPEN error 2/2
#   GoBGP offers a hold time of 2 seconds   -> BIRD sends OPEN error 2/6
#   FRR expects the wrong peer AS           -> FRR sends OPEN error 2/2
#   BIRD accepts at most 2 prefixes, FRR sends 3 -> BIRD sends Cease 6/1
#   hold time 3, nftables drops BIRD's keepalives inside FRR's namespace
#                                           -> FRR sends hold timer expired 4/0
# The capture holds both of BIRD's links.
scenario_notifications() {
  local scen=notifications
  mkns bird; mkns gobgp; mkns frr
  link bird eth-gobgp gobgp eth-bird
  link bird eth-frr frr eth-bird
  addr bird eth-gobgp 10.7.1.1/24 10.7.1.11/24
  addr gobgp eth-bird 10.7.1.2/24 10.7.1.12/24
  addr bird eth-frr 10.7.2.1/24 10.7.2.11/24 10.7.2.21/24
  addr frr eth-bird 10.7.2.2/24 10.7.2.12/24 10.7.2.22/24

  cat >"$WORK/bird6.conf" <<CONF
router id 10.7.0.1;
log "$WORK/bird6.log" all;
protocol device { scan time 10; }
protocol static s4 {
  ipv4;
  route 10.7.100.0/24 blackhole;
}
template bgp nbase {
  local as 65070;
  hold time 30;
  error wait time 30, 60;
  ipv4 { import all; export all; };
}
protocol bgp gobgp_badas from nbase {
  local 10.7.1.1 as 65070;
  neighbor 10.7.1.2 as 65071;
}
protocol bgp gobgp_hold from nbase {
  local 10.7.1.11 as 65070;
  neighbor 10.7.1.12 as 65071;
}
protocol bgp frr_badas from nbase {
  local 10.7.2.1 as 65070;
  neighbor 10.7.2.2 as 65072;
}
protocol bgp frr_expire from nbase {
  local 10.7.2.11 as 65070;
  neighbor 10.7.2.12 as 65072;
  hold time 3;
  keepalive time 1;
}
protocol bgp frr_limit {
  local 10.7.2.21 as 65070;
  neighbor 10.7.2.22 as 65072;
  hold time 30;
  error wait time 30, 60;
  ipv4 { import all; export all; receive limit 2 action disable; };
}
CONF

  cat >"$WORK/gobgp6.toml" <<CONF
[global.config]
  as = 65071
  router-id = "10.7.1.2"
  local-address-list = ["10.7.1.2", "10.7.1.12"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.7.1.1"
    peer-as = 65079
  [neighbors.timers.config]
    connect-retry = 60
  [neighbors.transport.config]
    local-address = "10.7.1.2"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.7.1.11"
    peer-as = 65070
  [neighbors.timers.config]
    connect-retry = 60
    hold-time = 2
    keepalive-interval = 1
  [neighbors.transport.config]
    local-address = "10.7.1.12"
CONF

  cat >"$WORK/frr6.conf" <<CONF
frr defaults traditional
hostname frr6
router bgp 65072
 bgp router-id 10.7.2.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 10.7.2.1 remote-as 65078
 neighbor 10.7.2.1 update-source 10.7.2.2
 neighbor 10.7.2.11 remote-as 65070
 neighbor 10.7.2.11 update-source 10.7.2.12
 neighbor 10.7.2.11 timers 1 3
 neighbor 10.7.2.21 remote-as 65070
 neighbor 10.7.2.21 update-source 10.7.2.22
 address-family ipv4 unicast
  network 10.7.200.0/24
  network 10.7.201.0/24
  network 10.7.202.0/24
  neighbor 10.7.2.1 activate
  neighbor 10.7.2.11 activate
  neighbor 10.7.2.21 activate
 exit-address-family
!
CONF

  start_capture "$scen" bird eth-gobgp eth-frr
  start_frr frr frr6
  start_gobgp gobgp gobgp6
  start_bird bird bird6
  wait_for "BIRD <-> FRR (hold timer session)" 100 bird_established bird6 frr_expire
  sleep 3
  # BIRD's segments carrying data (KEEPALIVEs) are dropped, its pure ACKs
  # pass, so FRR's hold timer expires and its NOTIFICATION still goes out.
  log "$scen: dropping BIRD's keepalives inside FRR's namespace"
  inns frr nft -f - <<NFT
table inet necod_capture_drop {
  chain input {
    type filter hook input priority 0; policy accept;
    ip saddr 10.7.2.11 ip length > 66 drop
  }
}
NFT
  wait_for "hold timer expiry" 50 bash -c "! birdc -s '$WORK/bird6.ctl' show protocols frr_expire | grep -q Established"
  sleep 1
  stop_capture "$scen"
  stop_all
}

# --- 7. BFD: FRR bfdd and BIRD's protocol bfd against necod ------------------
# necod (10.9.1.1, 10.9.2.1) runs one BFD session with FRR's bfdd (10.9.1.2,
# a session configured in bfdd itself) and one with BIRD (10.9.2.2, keyed
# SHA1, key id 2); its BGP neighbors are passive and never connect, so only
# BFD is on the wire (udp port 3784/4784).  Events: sessions come up at 300 ms
# (necod and FRR leave the 1 s rate of a session that is not Up through a
# poll sequence); FRR and BIRD change to 200 ms (poll/final from each); FRR
# goes AdminDown and back; FRR and then BIRD stop hearing necod (an nftables
# drop in their namespace), time out and send Down with diagnostic 1, which
# takes necod Down with diagnostic 3; both come back Up.
bfd_bird_conf() { # bfd_bird_conf INTERVAL_MS
  cat >"$WORK/bird7.conf" <<CONF
router id 10.9.2.2;
protocol device {}
protocol bfd {
  interface "*" {
    min rx interval $1 ms;
    min tx interval $1 ms;
    multiplier 3;
    authentication keyed sha1;
    password "capture-key" { id 2; };
  };
  neighbor 10.9.2.1 local 10.9.2.2;
}
CONF
}
frr_bfd_up() { vtysh_ frr7 -d bfdd -c 'show bfd peers brief' | grep -q ' up '; }
frr_bfd_down() { ! frr_bfd_up; }
bird_bfd_up() { birdc_ bird7 show bfd sessions | grep -q ' Up '; }
bird_bfd_down() { ! bird_bfd_up; }

scenario_bfd() {
  local scen=bfd
  local necod_js="$HERE/../dist/src/cli/necod.js"
  [[ -f $necod_js ]] || die "$necod_js is missing: run npm run build first"
  mkns srv
  mkns frr
  mkns bird
  link srv eth-frr frr eth-srv
  link srv eth-bird bird eth-srv
  addr srv eth-frr 10.9.1.1/24
  addr frr eth-srv 10.9.1.2/24
  addr srv eth-bird 10.9.2.1/24
  addr bird eth-srv 10.9.2.2/24

  cat >"$WORK/necod7.yaml" <<CONF
{
  "router-id": "10.9.1.1",
  "asn": 65090,
  "listen": { "address": "10.9.1.1", "port": 179 },
  "api": { "socket": "$WORK/necod7.sock" },
  "bfd": { "interval": 300, "multiplier": 3 },
  "neighbors": [
    { "name": "frr", "address": "10.9.1.2", "local-address": "10.9.1.1", "remote-as": 65090, "passive": true, "bfd": true },
    { "name": "bird", "address": "10.9.2.2", "local-address": "10.9.2.1", "remote-as": 65090, "passive": true,
      "bfd": { "auth": { "type": "keyed-sha1", "key-id": 2, "secret": "capture-key" } } }
  ]
}
CONF
  local dir="$WORK/frr7"
  mkdir -p "$dir"
  chown frr:frr "$dir"
  cat >"$dir/bfdd.conf" <<CONF
hostname frr7-bfdd
bfd
 peer 10.9.1.1 local-address 10.9.1.2
  receive-interval 300
  transmit-interval 300
  detect-multiplier 3
 !
!
CONF
  chown frr:frr "$dir/bfdd.conf"
  bfd_bird_conf 300

  CAP_FILTER='udp port 3784 or udp port 4784'
  start_capture "$scen" srv eth-frr eth-bird
  CAP_FILTER='tcp port 179'
  node "$necod_js" --check-config "$WORK/necod7.yaml" >/dev/null || die "bad necod config"
  bg necod7 ip netns exec "$(nsname srv)" node "$necod_js" --config "$WORK/necod7.yaml"
  bg frr7-bfdd ip netns exec "$(nsname frr)" \
    "$FRR_DIR/bfdd" -f "$dir/bfdd.conf" -i "$dir/bfdd.pid" --vty_socket "$dir" \
    --bfdctl "$dir/bfdd.sock" -u frr -g frr -P 0 --log "file:$dir/bfdd.log"
  start_bird bird bird7
  wait_for "FRR BFD up" 100 frr_bfd_up
  wait_for "BIRD BFD up" 100 bird_bfd_up
  sleep 2

  log "$scen: FRR and BIRD change to 200 ms (poll sequences)"
  vtysh_ frr7 -d bfdd -c 'configure terminal' -c 'bfd' -c 'peer 10.9.1.1 local-address 10.9.1.2' \
    -c 'receive-interval 200' -c 'transmit-interval 200'
  bfd_bird_conf 200
  birdc_ bird7 configure >/dev/null
  sleep 2

  log "$scen: FRR AdminDown and back"
  vtysh_ frr7 -d bfdd -c 'configure terminal' -c 'bfd' -c 'peer 10.9.1.1 local-address 10.9.1.2' -c 'shutdown'
  sleep 1.5
  vtysh_ frr7 -d bfdd -c 'configure terminal' -c 'bfd' -c 'peer 10.9.1.1 local-address 10.9.1.2' -c 'no shutdown'
  wait_for "FRR BFD up again" 100 frr_bfd_up
  sleep 1

  local peer
  for peer in frr bird; do
    log "$scen: $peer stops hearing necod (Down, diagnostic 1)"
    inns "$peer" nft -f - <<NFT
table inet necod_capture_drop {
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport 3784 drop
  }
}
NFT
    wait_for "$peer BFD down" 50 "${peer}_bfd_down"
    sleep 0.5
    inns "$peer" nft delete table inet necod_capture_drop
    wait_for "$peer BFD up again" 100 "${peer}_bfd_up"
    sleep 1
  done
  stop_capture "$scen"
  stop_all
}

# =================================================================== main ===

main() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
  local tool
  for tool in bird birdc vtysh gobgpd gobgp exabgp dumpcap nft ip node "$FRR_DIR/bgpd" "$FRR_DIR/zebra" "$FRR_DIR/bfdd"; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
  done
  WORK=$(mktemp -d /tmp/necod-capture.XXXXXX)
  chmod 755 "$WORK"
  local scenarios=("$@") s
  [[ ${#scenarios[@]} -gt 0 ]] || scenarios=("${ALL_SCENARIOS[@]}")
  for s in "${scenarios[@]}"; do
    log "=== $s"
    case $s in
      bird-frr-ipv4v6) scenario_bird_frr_ipv4v6 ;;
      exabgp-frr-bird-as2) scenario_exabgp_frr_bird_as2 ;;
      frr-rr-bird-gobgp) scenario_frr_rr_bird_gobgp ;;
      exabgp-gobgp-attrs) scenario_exabgp_gobgp_attrs ;;
      bird-gobgp-addpath) scenario_bird_gobgp_addpath ;;
      notifications) scenario_notifications ;;
      bfd) scenario_bfd ;;
      *) die "unknown scenario $s" ;;
    esac
  done
  log "done"
}

main "$@"
