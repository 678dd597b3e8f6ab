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
 * The name of a vif's interface, as each host's toolstack and hotplug
 * scripts expect it (what the kernel netback of that host does, since
 * the scripts were written for it):
 *
 *   Linux    vif<domid>.<handle>: libxl's name for it (NETBACK_NIC_NAME
 *            of its libxl_osdeps.h); vif-common.sh renames the interface
 *            to the toolstack's vifname itself when one is set, so the
 *            backend never writes vifname.
 *   NetBSD   a tap cannot be named or renamed: the cloner makes tapN.
 *            NetBSD's vif-bridge and vif-ip read the interface's name
 *            from the backend's vifname (the kernel's xennetback writes
 *            its xvif<domid>i<handle> there), so we write tapN there,
 *            over whatever the toolstack put in it.  xvif<domid>i<handle>
 *            is only the name the vif is logged under until its tap
 *            exists.
 *   FreeBSD  the tap is renamed xnb<domid>.<handle> (SIOCSIFNAME): libxl
 *            hands FreeBSD's vif-bridge that name in $iface_dev, whatever
 *            vifname says; vifname is written too, so that the toolstack
 *            reads back the name the interface has.
 *
 * The rules are here, whatever the host, so that they are tested on
 * every host; the osdep file of the host picks the style.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xennetd.h"

/* Each style, and the prefix of its kernel netback's interfaces. */
static const struct {
	const char	*is_name;
	const char	*is_prefix;
} ifname_styles[] = {
	[IFNAME_LINUX] =	{ "Linux", "vif" },
	[IFNAME_NETBSD] =	{ "NetBSD", "xvif" },
	[IFNAME_FREEBSD] =	{ "FreeBSD", "xnb" },
};
#define IFNAME_NSTYLES	(sizeof(ifname_styles) / sizeof(ifname_styles[0]))

/*
 * ifname_make: the name of vif domid/handle in style st into buf (len
 * octets, at most IFNAMSIZ are used).  0, or -1 with EINVAL (no such
 * style) or ENAMETOOLONG (it does not fit an interface name: a handle
 * of more than a few digits).
 */
int
ifname_make(enum ifname_style st, uint32_t domid, uint32_t handle,
    char *buf, size_t len)
{
	int n;

	if (len == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (len > IFNAMSIZ)
		len = IFNAMSIZ;
	switch (st) {
	case IFNAME_LINUX:
		n = snprintf(buf, len, "vif%u.%u", domid, handle);
		break;
	case IFNAME_NETBSD:
		n = snprintf(buf, len, "xvif%ui%u", domid, handle);
		break;
	case IFNAME_FREEBSD:
		n = snprintf(buf, len, "xnb%u.%u", domid, handle);
		break;
	default:
		errno = EINVAL;
		return (-1);
	}
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/*
 * ifname_vifname: what the backend does with its vifname key, which the
 * toolstack set to req ("" or NULL: not set), for a vif whose interface
 * was made as actual: IFNAME_VIFNAME_WRITE (write actual there) or
 * IFNAME_VIFNAME_KEEP (leave it).  *ignored is set to 1 if req names
 * another interface that this host will not make (the operator is told),
 * else 0.  -1 with EINVAL for an unknown style.
 */
int
ifname_vifname(enum ifname_style st, const char *req, const char *actual,
    int *ignored)
{
	*ignored = 0;
	switch (st) {
	case IFNAME_LINUX:
		/* vif-common.sh renames the interface to req itself */
		return (IFNAME_VIFNAME_KEEP);
	case IFNAME_NETBSD:
	case IFNAME_FREEBSD:
		if (req != NULL && req[0] != '\0' && strcmp(req, actual) != 0)
			*ignored = 1;
		return (IFNAME_VIFNAME_WRITE);
	}
	errno = EINVAL;
	return (-1);
}

/*
 * ifname_is_kernel: 1 if name looks like an interface of the kernel
 * netback of style st (its prefix, then a domid digit), else 0.
 */
int
ifname_is_kernel(enum ifname_style st, const char *name)
{
	size_t n;

	if ((size_t)st >= IFNAME_NSTYLES)
		return (0);
	n = strlen(ifname_styles[st].is_prefix);
	return (strncmp(name, ifname_styles[st].is_prefix, n) == 0 &&
	    name[n] >= '0' && name[n] <= '9');
}

const char *
ifname_style_name(enum ifname_style st)
{
	return ((size_t)st < IFNAME_NSTYLES ? ifname_styles[st].is_name :
	    "unknown");
}
