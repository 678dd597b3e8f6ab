/*
 * Copyright (c) 2026 The xennetd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */


/*
 * t_ifname: the name of a vif's interface and what the backend does with
 * vifname, for each host (daemon/ifname.c): Linux's vif<domid>.<handle>
 * that its scripts rename, NetBSD's tapN told in vifname, FreeBSD's
 * xnb<domid>.<handle>, the names libxl gives each host's scripts.
 */

#include <errno.h>
#include <string.h>

#include "../../daemon/xennetd.h"
#include "../tap.h"

/* daemon/vif.c's bounds: DOMID_FIRST_RESERVED - 1, and a handle's */
#define DOMID_MAX	0x7FEFU
#define HANDLE_MAX	0xFFFFU

int
main(void)
{
	static const struct {
		enum ifname_style st;
		uint32_t	domid, handle;
		const char	*name;
	} names[] = {
		{ IFNAME_LINUX, 3, 0, "vif3.0" },
		{ IFNAME_NETBSD, 3, 0, "xvif3i0" },
		{ IFNAME_FREEBSD, 3, 0, "xnb3.0" },
		{ IFNAME_LINUX, 1, 12, "vif1.12" },
		{ IFNAME_NETBSD, 1, 12, "xvif1i12" },
		{ IFNAME_FREEBSD, 1, 12, "xnb1.12" },
		{ IFNAME_LINUX, DOMID_MAX, HANDLE_MAX, "vif32751.65535" },
		{ IFNAME_NETBSD, DOMID_MAX, HANDLE_MAX, "xvif32751i65535" },
		{ IFNAME_FREEBSD, DOMID_MAX, HANDLE_MAX, "xnb32751.65535" },
	};
	enum ifname_style st;
	char buf[64];
	size_t i;
	int ign;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		ok(ifname_make(names[i].st, names[i].domid, names[i].handle,
		    buf, sizeof(buf)) == 0 && strcmp(buf, names[i].name) == 0,
		    "%s: domain %u handle %u is %s (got %s)",
		    ifname_style_name(names[i].st), names[i].domid,
		    names[i].handle, names[i].name, buf);
	}
	/* the largest bounds fit: at most IFNAMSIZ - 1 characters */
	ok(strlen("xvif32751i65535") == IFNAMSIZ - 1,
	    "NetBSD's longest name fills IFNAMSIZ exactly");

	/* too long for an interface name, or for the buffer: refused */
	ok(ifname_make(IFNAME_NETBSD, DOMID_MAX, 4294967295U, buf,
	    sizeof(buf)) == -1 && errno == ENAMETOOLONG && buf[0] == '\0',
	    "a name longer than IFNAMSIZ - 1: ENAMETOOLONG, empty");
	ok(ifname_make(IFNAME_LINUX, 3, 0, buf, 6) == -1 &&
	    errno == ENAMETOOLONG, "a buffer too small: ENAMETOOLONG");
	ok(ifname_make(IFNAME_LINUX, 3, 0, buf, 7) == 0 &&
	    strcmp(buf, "vif3.0") == 0, "a buffer just large enough");
	ok(ifname_make(IFNAME_LINUX, 3, 0, buf, 0) == -1 && errno == EINVAL,
	    "no buffer: EINVAL");
	ok(ifname_make((enum ifname_style)7, 3, 0, buf, sizeof(buf)) == -1 &&
	    errno == EINVAL, "an unknown style: EINVAL");

	/* Linux: vifname is the toolstack's, the script renames */
	ok(ifname_vifname(IFNAME_LINUX, "web0", "vif3.0", &ign) ==
	    IFNAME_VIFNAME_KEEP && ign == 0,
	    "Linux: a vifname is left to the script");
	ok(ifname_vifname(IFNAME_LINUX, NULL, "vif3.0", &ign) ==
	    IFNAME_VIFNAME_KEEP && ign == 0, "Linux: no vifname: left alone");

	/* the BSDs: the interface's name is written; another one is said */
	for (st = IFNAME_NETBSD; st <= IFNAME_FREEBSD; st++) {
		const char *made = st == IFNAME_NETBSD ? "tap0" : "xnb3.0";

		ok(ifname_vifname(st, NULL, made, &ign) ==
		    IFNAME_VIFNAME_WRITE && ign == 0,
		    "%s: no vifname: %s written, nothing ignored",
		    ifname_style_name(st), made);
		ok(ifname_vifname(st, "", made, &ign) ==
		    IFNAME_VIFNAME_WRITE && ign == 0,
		    "%s: an empty vifname: the same", ifname_style_name(st));
		ok(ifname_vifname(st, made, made, &ign) ==
		    IFNAME_VIFNAME_WRITE && ign == 0,
		    "%s: vifname already %s: nothing ignored",
		    ifname_style_name(st), made);
		ok(ifname_vifname(st, "web0", made, &ign) ==
		    IFNAME_VIFNAME_WRITE && ign == 1,
		    "%s: vifname web0 is not made: said, %s written",
		    ifname_style_name(st), made);
	}
	ok(ifname_vifname((enum ifname_style)7, "x", "y", &ign) == -1 &&
	    errno == EINVAL, "an unknown style: EINVAL");

	/* the kernel netback's interfaces, by their names */
	ok(ifname_is_kernel(IFNAME_NETBSD, "xvif3i0") == 1 &&
	    ifname_is_kernel(IFNAME_NETBSD, "tap0") == 0 &&
	    ifname_is_kernel(IFNAME_NETBSD, "xvif") == 0 &&
	    ifname_is_kernel(IFNAME_NETBSD, "xvifa") == 0,
	    "NetBSD: xvif<digit>... is the kernel's, tapN and xvif are not");
	ok(ifname_is_kernel(IFNAME_FREEBSD, "xnb12.1") == 1 &&
	    ifname_is_kernel(IFNAME_FREEBSD, "xn0") == 0 &&
	    ifname_is_kernel(IFNAME_FREEBSD, "xnbr") == 0,
	    "FreeBSD: xnb<digit>... is the kernel's, xn0 is a frontend's");
	ok(ifname_is_kernel((enum ifname_style)7, "vif1.0") == 0,
	    "an unknown style: nothing is the kernel's");
	ok(strcmp(ifname_style_name((enum ifname_style)7), "unknown") == 0,
	    "an unknown style's name");
	return (done_testing());
}
