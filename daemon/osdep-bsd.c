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
 * NetBSD and FreeBSD specifics (osdep-linux.c has the same functions
 * for Linux).  Their taps are cloned by opening /dev/tap; TAPGIFNAME
 * tells which tapN it made.  Frames carry no header (no vnet header:
 * portio.c completes checksums and cuts GSO frames in software), a tap
 * has one queue, and there is no io_uring: read/writev.  Their gntdevs
 * map grants but cannot copy them: the map + memcpy engine is the
 * default.  Naming (ifname.c): NetBSD's taps keep their tapN name, told
 * to the hotplug script in vifname; FreeBSD's are renamed
 * xnb<domid>.<handle> (SIOCSIFNAME), the name libxl gives its script.
 *
 * Built only there; tests/t_bsd_compile.sh compiles it on Linux against
 * tests/bsd-shim for both systems.  Nothing here has run on a BSD.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_tap.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

#if !defined(__NetBSD__) && !defined(__FreeBSD__)
#error "osdep-bsd.c is for NetBSD and FreeBSD"
#endif

#define OSDEP_TAP_CLONER	"/dev/tap"


/*
 * osdep_kernel_netback: 1 if an interface of the kernel's own netback
 * (NetBSD's xvif<domid>i<handle>, FreeBSD's xnb<domid>.<handle>) exists
 * when we start: that netback serves backend/vif devices too.  It is
 * seen only once it made an interface.  On FreeBSD our taps have the
 * same names: one left from an earlier xennetd that did not exit is
 * taken for it (the message says how to remove it).
 */
int
osdep_kernel_netback(char *why, size_t len)
{
	struct if_nameindex *ifs, *p;
	int found = 0;

	if ((ifs = if_nameindex()) == NULL)
		return (0);
	for (p = ifs; p->if_index != 0 && p->if_name != NULL; p++) {
		if (!ifname_is_kernel(osdep_ifname_style(), p->if_name))
			continue;
		snprintf(why, len, "interface %s exists.  Use a kernel "
		    "without the netback driver, or destroy the interface "
		    "if an earlier xennetd left it (ifconfig %s destroy)",
		    p->if_name, p->if_name);
		found = 1;
		break;
	}
	if_freenameindex(ifs);
	return (found);
}

enum ifname_style
osdep_ifname_style(void)
{
#ifdef __NetBSD__
	return (IFNAME_NETBSD);
#else
	return (IFNAME_FREEBSD);
#endif
}

enum portio_mode
osdep_portio_default(void)
{
	return (PORTIO_SYSCALL);	/* no io_uring */
}

enum hv_engine
osdep_engine_default(void)
{
	return (HV_ENGINE_MAP);		/* gntdev maps, does not copy */
}

unsigned int
osdep_tap_max_queues(void)
{
	return (1);
}

int
osdep_tap_vnet(void)
{
	return (0);
}

/* osdep_tap_name: the name of the interface of tap descriptor fd. */
int
osdep_tap_name(int fd, char *name, size_t len)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TAPGIFNAME, &ifr) == -1)
		return (-1);
	snprintf(name, len, "%.*s", IFNAMSIZ, ifr.ifr_name);
	return (0);
}

/*
 * osdep_tap_fd: clone a tap and name it want where the host can
 * (FreeBSD: SIOCSIFNAME; NetBSD cannot rename: it stays tapN).  Its
 * name in actual.  The non-blocking descriptor, or -1 with errno (and
 * no tap left).
 */
int
osdep_tap_fd(const char *want, char *actual, size_t len)
{
	char name[IFNAMSIZ];
	int fd, save;
#ifdef __FreeBSD__
	struct ifreq ifr;
	char newname[IFNAMSIZ];
#endif

	if ((fd = open(OSDEP_TAP_CLONER, O_RDWR | O_NONBLOCK | O_CLOEXEC)) ==
	    -1)
		return (-1);
	if (osdep_tap_name(fd, name, sizeof(name)) == -1)
		goto fail;
#ifdef __FreeBSD__
	memset(&ifr, 0, sizeof(ifr));
	snprintf(newname, sizeof(newname), "%s", want);
	ifr.ifr_data = (caddr_t)newname;
	if (tap_ifreq(name, SIOCSIFNAME, &ifr) == -1)
		goto fail;
	snprintf(name, sizeof(name), "%s", newname);
#endif
	snprintf(actual, len, "%s", name);
	return (fd);
fail:
	save = errno;
	osdep_tap_close(fd);
	errno = save;
	return (-1);
}

/* osdep_tap_queue: a BSD tap has one queue, always attached. */
int
osdep_tap_queue(int fd, int attach)
{
	errno = EOPNOTSUPP;
	return (-1);
}

/*
 * osdep_tap_lladdr: set the Ethernet address of interface name: FreeBSD
 * sets it (SIOCSIFLLADDR); NetBSD adds it as the active link address
 * (SIOCALIFADDR, IFLR_ACTIVE), as ifconfig's `link ... active' does.
 */
int
osdep_tap_lladdr(const char *name, const uint8_t *mac)
{
	int s, rv, save;
#ifdef __NetBSD__
	struct if_laddrreq iflr;
	struct sockaddr_dl *sdl;

	memset(&iflr, 0, sizeof(iflr));
	snprintf(iflr.iflr_name, sizeof(iflr.iflr_name), "%s", name);
	iflr.flags = IFLR_ACTIVE;
	sdl = (struct sockaddr_dl *)&iflr.addr;
	sdl->sdl_len = sizeof(*sdl);
	sdl->sdl_family = AF_LINK;
	sdl->sdl_alen = 6;
	memcpy(LLADDR(sdl), mac, 6);
	if ((s = socket(AF_LINK, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	rv = ioctl(s, SIOCALIFADDR, &iflr);
#else
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_addr.sa_family = AF_LINK;
	ifr.ifr_addr.sa_len = 6;
	memcpy(ifr.ifr_addr.sa_data, mac, 6);
	if ((s = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	rv = ioctl(s, SIOCSIFLLADDR, &ifr);
#endif
	save = errno;
	close(s);
	errno = save;
	return (rv);
}

/*
 * osdep_tap_offload: nothing to tell the tap: frames are complete both
 * ways (no vnet header), whatever the guest takes.
 */
int
osdep_tap_offload(int fd, const struct ring_features *rf)
{
	return (0);
}

/*
 * A BSD tap is not kept across a restart: never found again, nothing
 * left over (xennetd.8, RESTART: Linux only).  A cloned tap outlives
 * its descriptor by itself; osdep_tap_close destroys it.
 */
int
osdep_tap_find(const char *alias, char *actual, size_t len)
{
	(void)alias;
	(void)actual;
	(void)len;
	return (0);
}

int
osdep_tap_leftovers(const char *prefix, void (*fn)(void *, const char *),
    void *arg)
{
	(void)prefix;
	(void)fn;
	(void)arg;
	return (0);
}

int
osdep_tap_mark(const char *ifname, const char *alias)
{
	(void)ifname;
	(void)alias;
	return (0);
}

int
osdep_tap_persist(int fd, int on)
{
	(void)fd;
	(void)on;
	return (0);
}

int
osdep_tap_persistent(int fd)
{
	(void)fd;
	return (0);
}

/*
 * linkmon.c watches the taps' bridges through Linux's rtnetlink; a BSD
 * dom0 has no such monitor (a route socket would be its analogue): a
 * tap leaving its bridge is not logged there.
 */
struct linkmon *
linkmon_init(struct xnd *x)
{
	(void)x;
	return (NULL);
}

void
linkmon_cleanup(struct linkmon *lm)
{
	(void)lm;
}

/*
 * osdep_tap_carrier: a BSD tap has no carrier of its own to set: -1 with
 * ENOTTY, and tap_set_carrier takes the link down and up instead.
 */
int
osdep_tap_carrier(int fd, int on)
{
	(void)fd;
	(void)on;
	errno = ENOTTY;
	return (-1);
}

/*
 * osdep_tap_close: close tap fd and destroy its interface where closing
 * left it (a FreeBSD tap outlives its descriptor; a cloned NetBSD one
 * goes with it, and is then not found).
 */
void
osdep_tap_close(int fd)
{
	struct ifreq ifr;
	char name[IFNAMSIZ];
	int named;

	named = osdep_tap_name(fd, name, sizeof(name)) == 0;
	close(fd);
	if (!named)
		return;
	memset(&ifr, 0, sizeof(ifr));
	if (tap_ifreq(name, SIOCIFDESTROY, &ifr) == -1 && errno != ENXIO &&
	    errno != EINVAL)
		log_warn("%s: SIOCIFDESTROY", name);
}

/*
 * Privilege separation (priv.c, sandbox.c) is Linux's only: its
 * sandbox is seccomp, capabilities and Landlock.  A BSD daemon runs as
 * root, as it did before (xennetd.8, PRIVILEGE SEPARATION): -u and
 * `user' are taken and ignored, privsep is off (osdep_privsep), and
 * these are what the rest of the daemon calls in its place; the tap
 * port is never given the helper's calls (tap_set_priv).
 */
int
osdep_privsep(void)
{
	return (0);
}

int
priv_running(void)
{
	return (0);
}

/* priv_conf_opener: the daemon is root: it opens its files itself. */
parse_open_fn
priv_conf_opener(void)
{
	return (NULL);
}

/*
 * Never called: main() calls priv_start and sandbox_* only with privsep
 * on (osdep_privsep keeps it off), capture.c and pidfile.c the others
 * only while priv_running().
 */
void
priv_start(const struct xnd_config *c, char **argv)
{
	(void)c;
	(void)argv;
	fatalx("privilege separation is Linux's only");
}

int
priv_capture_open(const char *dir, const char *name, char *err,
    size_t errlen)
{
	(void)dir;
	(void)name;
	snprintf(err, errlen, "privilege separation is Linux's only");
	return (-1);
}

int
priv_cleanup(void)
{
	errno = ENOTSUP;
	return (-1);
}

void
sandbox_user(const char *user)
{
	(void)user;
	fatalx("privilege separation is Linux's only");
}

void
sandbox_enter(const struct xnd_config *c, int bpf)
{
	(void)c;
	(void)bpf;
	fatalx("privilege separation is Linux's only");
}

#ifdef XN_DEBUG
/* sandbox_try: (the sandbox's test) there is no sandbox to try. */
void
sandbox_try(int id)
{
	(void)id;
}
#endif
