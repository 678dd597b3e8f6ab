# tests/bench/summary.awk: a benchmark CSV (one row a run; '#' lines are
# comments) into a table of medians and spreads, one row a case.
#
#   awk -F, -v keys=K1,K2 -v vals=V1,V2 [-v ref=K1=VALUE] [-v fmt=md|tsv]
#       -f summary.awk FILE.csv
#
# keys: the columns that name a case (cases keep the order they first
# appear in); vals: the columns summarized, each as "median (min-max)" in
# Markdown (just the median if every run agrees), or with fmt=tsv as
# three columns median, min, max (for gnuplot).  ref: a ratio column for
# each value, median / the median of the case whose key column K1 holds
# VALUE and whose other keys are equal ("-" where there is none).
function num(x,   s) {
	if (x + 0 == 0)
		return "0"
	if (x >= 1000 || x <= -1000)
		return sprintf("%.0f", x)
	if (x >= 100 || x <= -100) {
		s = sprintf("%.1f", x)
		sub(/\.0$/, "", s)
		return s
	}
	return sprintf("%.3g", x)
}
# med(LIST): the median of the space-separated LIST; its min and max in
# LO and HI
function med(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) {
				t = a[i]; a[i] = a[j]; a[j] = t
			}
	LO = a[1] + 0
	HI = a[n] + 0
	return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}
# nocol(NAME): fail unless the CSV has a column NAME
function nocol(n) {
	if (n in col)
		return
	print "summary.awk: no column " n > "/dev/stderr"
	bad = 1
	exit 1
}
# cell(S): S as a Markdown cell, or a TSV field (the first without a tab)
function cell(s, first) {
	return fmt == "md" ? "| " s " " : (first ? "" : "\t") s
}
# refcase(CASE): CASE's key with the ref column set to the ref value
function refcase(c,   p, i, k) {
	split(c, p, SUBSEP)
	k = ""
	for (i = 1; i <= nk; i++)
		k = k (i > 1 ? SUBSEP : "") (kc[i] == refcol ? refval : p[i])
	return k
}
BEGIN {
	if (fmt == "")
		fmt = "md"
	if (ref != "") {
		refcol = ref; sub(/=.*/, "", refcol)
		refval = ref; sub(/^[^=]*=/, "", refval)
	}
}
/^#/ || /^[ \t]*$/ { next }
!hdr {
	hdr = 1
	for (i = 1; i <= NF; i++)
		col[$i] = i
	nk = split(keys, kn, ",")
	nv = split(vals, vn, ",")
	for (i = 1; i <= nk; i++) {
		nocol(kn[i])
		kc[i] = kn[i]
	}
	for (i = 1; i <= nv; i++)
		nocol(vn[i])
	next
}
{
	c = ""
	for (i = 1; i <= nk; i++)
		c = c (i > 1 ? SUBSEP : "") $(col[kn[i]])
	if (!(c in seen)) {
		seen[c] = 1
		cases[++nc] = c
	}
	for (i = 1; i <= nv; i++)
		v[c, i] = v[c, i] " " $(col[vn[i]])
	runs[c]++
}
END {
	if (!hdr || bad)
		exit 1
	if (fmt == "md") {
		line = "|"; sep = "|"
		for (i = 1; i <= nk; i++) {
			line = line " " kn[i] " |"
			sep = sep "---|"
		}
		line = line " runs |"
		sep = sep "---:|"
		for (i = 1; i <= nv; i++) {
			line = line " " vn[i] " |"
			sep = sep "---:|"
		}
		if (ref != "")
			for (i = 1; i <= nv; i++) {
				line = line " " vn[i] " / " refval " |"
				sep = sep "---:|"
			}
		print line
		print sep
	}
	for (j = 1; j <= nc; j++) {
		c = cases[j]
		split(c, p, SUBSEP)
		line = ""
		for (i = 1; i <= nk; i++)
			line = line cell(p[i], i == 1)
		line = line cell(runs[c])
		for (i = 1; i <= nv; i++) {
			m = med(v[c, i])
			if (fmt == "md")
				line = line cell(num(m) (LO == HI ? "" : \
				    " (" num(LO) "–" num(HI) ")"))
			else
				line = line "\t" m "\t" LO "\t" HI
		}
		if (ref != "") {
			rc = refcase(c)
			for (i = 1; i <= nv; i++) {
				r = "-"
				if ((rc in seen) && (rm = med(v[rc, i])) != 0)
					r = sprintf("%.2f", med(v[c, i]) / rm)
				line = line cell(r)
			}
		}
		print line (fmt == "md" ? "|" : "")
	}
}
