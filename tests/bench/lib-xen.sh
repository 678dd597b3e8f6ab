# tests/bench/lib-xen.sh: section "xen" of tests/bench/run: real Xen 4.17
# under QEMU TCG (the e2e lab), the kernel's xen-netback against xennetd's
# defaults, xennetd -U and xennetd -i vhost in one boot, alternating
# (tests/bench/xen.sh and its dom0 side tests/bench/xen/lab/test.sh); the
# full run profiles dom0 too (XEN_PROFILE, perf: where its CPU goes).
# Skipped, not failed, where
# the lab cannot run (no QEMU, no Debian packages, lab busy).

sec_xen() {
	local rounds secs wait vcpus rc prof=0
	case $B_MODE in
	full) rounds=3; secs=8; wait=1800; vcpus=2; prof=1 ;;
	quick) rounds=1; secs=3; wait=120; vcpus=1 ;;	# boots faster
	smoke)
		b_skip xen "--smoke does not boot Xen (the lab takes minutes)"
		return 0 ;;
	esac
	b_files xen
	export E2E_BUILD=${E2E_BUILD:-$top_srcdir/tests/e2e/build}
	VARIANTS="kernel xennetd: xennetd:-U xennetd:-i+vhost" \
	    XEN_VCPUS=${XEN_VCPUS:-$vcpus} \
	    XEN_CSV=$B_CSV XEN_LOCK_WAIT=$wait XEN_HEADER=$(b_header) \
	    XEN_PROFILE=${XEN_PROFILE:-$prof} \
	    "$top_srcdir/tests/bench/xen.sh" "$rounds" "$secs" \
	    > "$S_TMP/xen.out" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		rm -f "$B_CSV"
		b_skip xen "$(tail -n 1 "$S_TMP/xen.out")"
		return 0
	fi
	if [ $rc != 0 ]; then
		b_log "xen.sh failed: $(tail -n 5 "$S_TMP/xen.out")"
		return 1
	fi
	# xen.sh wrote the table next to the CSV (B_MD)
	xen_plot
	b_md_end
}

# xen_plot: the ratios to the kernel of B_CSV's medians, plotted into
# B_PNG.png and linked from B_MD
xen_plot() {
	local nc
	awk -F, -v keys=test,variant -v vals=value -v ref=variant=kernel \
	    -v fmt=tsv -f "$top_srcdir/tests/bench/summary.awk" "$B_CSV" |
	    awk -F'\t' '$2 != "kernel" { sub(/^xennetd:?/, "xennetd ", $2)
		gsub(/[+]/, " ", $2)
		r[$1, $2] = $7; if (!($1 in t)) { t[$1] = 1; o[++n] = $1 }
		if (!($2 in w)) { w[$2] = 1; v[++m] = $2 } }
	    END { printf "test"
		for (j = 1; j <= m; j++) printf "\t\"%s\"", v[j]
		print ""
		for (i = 1; i <= n; i++) { printf "%s", o[i]
		    for (j = 1; j <= m; j++) printf "\t%s", r[o[i], v[j]]
		    print "" } }' > "$S_TMP/xen.tsv"
	nc=$(head -n 1 "$S_TMP/xen.tsv" | awk -F'\t' '{ print NF }')
	[ "${nc:-0}" -ge 2 ] || { b_log "xen: no xennetd results to plot"; return 0; }
	b_plot "$B_PNG.png" "real Xen: xennetd / kernel xen-netback (same boot)" \
	    "" "ratio to the kernel" 0 \
	    "set style data histograms" "set style fill solid 0.8" \
	    "set xtics rotate by -30" \
	    "plot for [c=2:$nc] '$S_TMP/xen.tsv' using c:xtic(1) \\" \
	    "    title columnhead(c), \\" \
	    "  1 with lines lc rgb 'black' title 'kernel = 1'"
}
