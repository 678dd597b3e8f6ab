# tests/bench/lib.sh: what every section of tests/bench/run shares: the
# result files (a CSV of runs and a Markdown table, both headed by the
# command, machine, commit and date), the summary (median and min-max,
# tests/bench/summary.awk), plots (gnuplot), statistics, process CPU and
# memory (with tests/lib.sh's cpu_ticks).  Sourced by tests/bench/run,
# which sets B_OUT (results directory), B_MODE (full, quick, smoke), B_CMD
# (the command line), B_STAMP (date-commit of the file names) and B_NOTE
# (a note for every header, may be empty).

# b_log MSG: progress, to stderr
b_log() { echo "bench: $*" >&2; }

# b_header: the common header lines, each as a "# " comment
b_header() {
	local cflags

	cflags=$(sed -n 's/^CFLAGS = //p' "$top_builddir/Makefile" 2>/dev/null)
	grep -q '^XN_CFLAGS = .*fsanitize' "$top_builddir/Makefile" \
	    2>/dev/null && cflags="$cflags (sanitizers: numbers not representative)"
	echo "# command: $B_CMD"
	echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC'), mode $B_MODE"
	echo "# commit: $B_COMMIT"
	echo "# machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' \
	    /proc/cpuinfo | head -n 1), Linux $(uname -r)," \
	    "load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
	echo "# build: $top_builddir, CFLAGS ${cflags:-?}"
	[ -n "$B_NOTE" ] && echo "# note: $B_NOTE"
	return 0
}

# b_files SECTION: set B_CSV, B_MD, B_PNG (without the .png: a section
# may draw several) for SECTION and start the CSV with the header
b_files() {
	B_CSV=$B_OUT/$1-$B_STAMP.csv
	B_MD=$B_OUT/$1-$B_STAMP.md
	B_PNG=$B_OUT/$1-$B_STAMP
	b_header > "$B_CSV"
}

# b_row FIELD...: one CSV row
b_row() { local IFS=,; echo "$*" >> "$B_CSV"; }

# b_md_start TITLE TEXT...: the Markdown file: title, header, the
# method (TEXT, one paragraph a argument)
b_md_start() {
	local p
	{
		echo "## $1"
		echo
		b_header | sed 's/^# /- /'
		shift
		for p in "$@"; do echo; echo "$p"; done
		echo
	} > "$B_MD"
}

# b_summary ARGS...: summary.awk over B_CSV (see there), appended to B_MD
b_summary() {
	awk -F, "$@" -f "$top_srcdir/tests/bench/summary.awk" "$B_CSV" \
	    >> "$B_MD"
	echo >> "$B_MD"
}

# b_tsv ARGS...: summary.awk over B_CSV as TSV, to stdout
b_tsv() {
	awk -F, -v fmt=tsv "$@" -f "$top_srcdir/tests/bench/summary.awk" \
	    "$B_CSV"
}

# b_plot PNG TITLE XLABEL YLABEL LOGX LINE...: gnuplot the LINEs (a plot
# command over data files, one line each) into PNG; LOGX 1: logarithmic
# x axis.  The PNG is linked from B_MD.  Without gnuplot the plot is left
# out and says so.
b_plot() {
	local png=$1 title=$2 xl=$3 yl=$4 logx=$5 cmd
	shift 5
	cmd=$(printf '%s\n' "$@")
	if ! command -v gnuplot > /dev/null; then
		echo "(no gnuplot: plot $png not drawn)" >> "$B_MD"
		return 0
	fi
	gnuplot <<-EOF 2>> "$S_TMP/gnuplot.log" || b_log "gnuplot failed: $png"
	set terminal pngcairo size 800,500 noenhanced
	set output "$png"
	set title "$title"
	set xlabel "$xl"
	set ylabel "$yl"
	set key outside right
	set grid
	set yrange [0:*]
	$([ "$logx" = 1 ] && echo "set logscale x 2")
	$cmd
	EOF
	[ -s "$png" ] && printf '![%s](%s)\n\n' "$title" "${png##*/}" \
	    >> "$B_MD"
	return 0
}

# b_md_end: print B_MD and say where the files are
b_md_end() {
	cat "$B_MD"
	b_log "written: $B_MD $B_CSV"
}

# b_skip SECTION WHY: a section that cannot run here: its Markdown file
# says so (skipped, not failed)
b_skip() {
	B_MD=$B_OUT/$1-$B_STAMP.md
	{
		echo "## $1: skipped"
		echo
		b_header | sed 's/^# /- /'
		echo
		echo "Skipped: $2"
	} > "$B_MD"
	b_log "$1 skipped: $2"
	cat "$B_MD"
}

# b_cpus T0 T1: the CPU seconds between two cpu_ticks readings
# (tests/lib.sh)
b_cpus() {
	awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { printf "%.3f", (b - a) / hz }'
}

# b_rss PID: resident and peak resident memory of PID, KiB ("RSS HWM")
b_rss() {
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 }
	    END { print r + 0, h + 0 }' "/proc/$1/status" 2>/dev/null
}

# b_calc EXPR: awk arithmetic, printed with %.4g (0 on division by 0)
b_calc() {
	awk "BEGIN { x = 0; x = $1; printf \"%.4g\", x }" 2>/dev/null || echo 0
}

# b_pct LIST: "p50 p99" of the space-separated numbers in LIST
b_pct() {
	echo "$1" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '
	    { a[NR] = $1 }
	    END { if (NR == 0) { print "0 0"; exit }
		  i = int(NR * 0.5 + 0.5); j = int(NR * 0.99 + 0.5)
		  if (i < 1) i = 1; if (j < 1) j = 1
		  print a[i], a[j] }'
}
