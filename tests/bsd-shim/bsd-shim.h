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
 * The BSD names the BSD paths use that glibc lacks, declared so that
 * tests/t_bsd_compile.sh can compile them on Linux.  Written here from
 * the names the code uses; the VALUES ARE PLACEHOLDERS FOR A COMPILE
 * CHECK ONLY, not the BSDs' ioctl numbers or layouts: the objects made
 * with them are thrown away.
 *
 * Included before the file compiled, after the system headers that the
 * files include (the test lists them): then it turns the host into the
 * BSD that -DXN_SHIM_NETBSD or -DXN_SHIM_FREEBSD names (__NetBSD__ or
 * __FreeBSD__ defined, __linux__ not).  Not on the command line: gcc's
 * own <stddef.h> would then look for the BSD's machine headers.
 */

#ifndef XENNET_BSD_SHIM_H
#define XENNET_BSD_SHIM_H

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <stdint.h>

#define AF_LINK			0x7f01
#define SIOCIFDESTROY		0x7f000001UL
#define SIOCSIFLLADDR		0x7f000002UL	/* FreeBSD */
#define SIOCALIFADDR		0x7f000003UL	/* NetBSD */

/* The BSDs' struct sockaddr has a length first; glibc's has none. */
#define sa_len			sa_data[13]

#ifdef XN_SHIM_NETBSD
/* NetBSD <net/if.h>: a link-level address to add (SIOCALIFADDR) */
#define IFLR_ACTIVE		0x8000
struct if_laddrreq {
	char			iflr_name[IFNAMSIZ];
	unsigned int		flags;
	unsigned int		prefixlen;
	struct sockaddr_storage	addr;
	struct sockaddr_storage	dstaddr;
};
#endif

/* The host, from now on. */
#undef __linux__
#undef __linux
#undef linux
#if defined(XN_SHIM_NETBSD)
#define __NetBSD__		1
#elif defined(XN_SHIM_FREEBSD)
#define __FreeBSD__		1
#else
#error "define XN_SHIM_NETBSD or XN_SHIM_FREEBSD"
#endif

#endif /* XENNET_BSD_SHIM_H */
