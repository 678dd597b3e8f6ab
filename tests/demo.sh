#!/bin/bash
# The demo: install the build dependencies, build, then run xennetd in
# simulator mode with two simulated guests on a bridge, all inside
# network namespaces (no Xen needed, nothing leaves this machine):
# ping and a short iperf3 between the guests, xennetctl show vifs and stats,
# then a clean teardown (xl destroy of both guests, daemon stopped).
# Run as root from anywhere:  tests/demo.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/bootstrap.sh" || exit 1
top_srcdir=$top
top_builddir=$top/build
. "$top/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting xenstored-sim and xennetd (sim mode) in namespace $SE_NS0, bridge xenbr0 10.0.0.1/24"
simenv_start || { echo "could not start; see $SE_DIR"; exit 1; }
say "xl create: guest g1 (domid 1, 10.0.0.2) and guest g2 (domid 2, 10.0.0.3)"
simenv_guest g1 1 2 || { cat "$SE_DIR"/*.log; exit 1; }
simenv_guest g2 2 3 || { cat "$SE_DIR"/*.log; exit 1; }
xenstore-ls -f /local/domain/0/backend/vif/1/0 | sed 's/^/    /'
say "bridge ports in dom0 (taps put there by the stock vif-bridge script)"
in_dom0 bridge link | sed 's/^/    /'
say "ping g1 -> g2"
in_guest g1 ping -c 3 -i 0.2 10.0.0.3 | sed 's/^/    /'
say "iperf3 g1 -> g2, 3 seconds"
in_guest g2 iperf3 -s -D -1 -p 5201
sleep 0.3
in_guest g1 iperf3 -c 10.0.0.3 -t 3 -f g | grep -E 'sender|receiver' |
    sed 's/^/    /'
say "xennetctl show vifs; xennetctl show stats"
CTL="$top_builddir/xennetctl/xennetctl -s $XENNET_SIM_DIR/xennetd.sock"
$CTL show vifs | sed 's/^/    /'
echo
$CTL show stats | sed 's/^/    /'
say "teardown: xl destroy g1, g2; stop xennetd"
for g in g1 g2; do
	s=$(date +%s%N)
	in_dom0 "$SIM/xl-sim" destroy "$g"
	echo "    xl destroy $g: $(( ($(date +%s%N) - s) / 1000000 )) ms"
done
kill "$XND_PID"; sleep 0.5
tail -3 "$SE_DIR/xennetd.log" | sed 's/^/    /'
say "done"
