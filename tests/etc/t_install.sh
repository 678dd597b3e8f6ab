#!/bin/bash
#
# Copyright (c) 2026 The xennetd authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# t_install.sh: make install DESTDIR=<temporary> puts every file of the
# list below where this platform wants it, with its mode, and nothing
# else; files of other platforms are not installed; the scripts and the
# unit name the installed daemon and pid file; the installed daemon runs;
# make uninstall removes it all again.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

# What make install installs: one line a file.
#   DIR     the make variable of its directory (configure's)
#   FILE    its name there
#   MODE    its permissions
#   WHERE   linux, bsd (NetBSD, FreeBSD) or all
#   NAMES   sub: made from a .in; the daemon's and the pid file's paths
#           in it must be the installed ones; - for nothing to check
FILES="
sbindir			xennetd		755 all   -
sbindir			xennetctl	755 all   -
man8dir			xennetctl.8	644 all   -
man8dir			xennetd.8	644 all   -
systemdsystemunitdir	xennetd.service	644 linux sub
modprobedir		xennetd.conf	644 linux -
initddir		xennetd		755 linux sub
rcdir			xennetd		755 bsd   sub
man5dir			xennetd.conf.5	644 all   -
xenscriptsdir		vif-xennetd	755 all   -
sysconfdir		xennetd.conf.sample 644 all -
sysconfdir		xennetd.conf	644 all   -
"

T=$(mktemp -d "${TMPDIR:-/tmp}/t_install.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
D=$T/root

# mk ARGS...: make in the build tree, on its own (not part of the make
# that runs this test)
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top_builddir" "$@"
}
# var NAME: the value of make variable NAME, expanded
var() {
	printf 'xn-print-var:\n\t@echo $(%s)\n' "$1" |
	    mk -s -f Makefile -f - xn-print-var
}

case $(var host_os) in
linux*)			OS=linux ;;
netbsd*|freebsd*)	OS=bsd ;;
*)			OS=other ;;
esac
SBIN=$(var sbindir)
PIDFILE=$(var runstatedir)/xennetd.pid
diag "host $OS, sbindir $SBIN, pid file $PIDFILE"

if mk install DESTDIR="$D" > "$T/install.log" 2>&1; then
	ok 0 "make install DESTDIR=$D"
else
	ok 1 "make install DESTDIR=$D"
	tail -n 5 "$T/install.log" | sed 's/^/# /'
fi

: > "$T/expected"
while read -r dir file mode where names; do
	[ -n "$dir" ] || continue
	dirpath=$(var "$dir")
	f=$dirpath/$file
	if [ -z "$dirpath" ] || [ "$dirpath" = no ]; then
		ok 0 "$file: \$($dir) is not set: not installed # SKIP"
		continue
	fi
	if [ "$where" != all ] && [ "$where" != "$OS" ]; then
		ok $(test ! -e "$D$f"; echo $?) \
		    "$f ($where only): not installed"
		continue
	fi
	echo "$f" >> "$T/expected"
	if [ ! -f "$D$f" ]; then
		ok 1 "$f: installed"
		continue
	fi
	is "$f: installed, mode $mode" "$mode" "$(stat -c %a "$D$f")"
	[ "$names" = sub ] || continue
	substituted "$D$f" "$f"
	# every path to the daemon or the pid file in it
	got=$(grep -o '/[^ "=:]*/sbin/xennetd\b' "$D$f" | sort -u)
	is "$f: names the installed daemon" "$SBIN/xennetd" "$got"
	got=$(grep -o '/[^ "=:]*/xennetd\.pid\b' "$D$f" | sort -u)
	is "$f: names the pid file" "$PIDFILE" "$got"
done <<EOF
$FILES
EOF
ok $(test -d "$D${PIDFILE%/*}"; echo $?) "the pid file's directory exists"

# nothing but the list
(cd "$D" && find . -type f -o -type l) | sed 's/^\.//' | sort > "$T/got"
sort -o "$T/expected" "$T/expected"
extra=$(comm -13 "$T/expected" "$T/got" | tr '\n' ' ')
is "nothing installed that is not in the list" "" "$extra"

out=$("$D$SBIN/xennetd" -n 2>&1)
ok $? "the installed daemon runs: $out"

mk uninstall DESTDIR="$D" > "$T/uninstall.log" 2>&1
ok $? "make uninstall DESTDIR=$D"
left=$(cd "$D" && find . -type f -o -type l | tr '\n' ' ')
is "make uninstall leaves no file" "" "$left"
done_testing
