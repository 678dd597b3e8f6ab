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
 * Linux specifics: the in-kernel netback check, the tun/tap driver
 * (/dev/net/tun: TUNSETIFF with a virtio_net_hdr on every frame,
 * multi-queue, TUNSETOFFLOAD), io_uring and grant copy as defaults.
 * osdep-bsd.c has the same functions for NetBSD and FreeBSD.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

/* The tun flags of the taps osdep_tap_fd makes. */
#define OSDEP_TAP_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)
#define OSDEP_SYSFS	"/sys/class/net"

/*
 * osdep_kernel_netback: 1 if Linux's xen-netback is loaded or its vif
 * backend driver is registered (it would claim every backend/vif device
 * we serve), with what was found and what to do in why; 0 if not.
 */
int
osdep_kernel_netback(char *why, size_t len)
{
	static const char *paths[] = {
		"/sys/module/xen_netback",
		"/sys/bus/xen-backend/drivers/vif",
	};
	struct stat sb;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (stat(paths[i], &sb) == 0) {
			snprintf(why, len, "%s exists.  Unload it (rmmod "
			    "xen-netback) and keep it from loading (echo "
			    "'blacklist xen-netback' > "
			    "/etc/modprobe.d/xennetd.conf)", paths[i]);
			return (1);
		}
	}
	return (0);
}

/* osdep_privsep: 1: privilege separation by default (priv.c, sandbox.c). */
int
osdep_privsep(void)
{
	return (1);
}

enum ifname_style
osdep_ifname_style(void)
{
	return (IFNAME_LINUX);
}

enum portio_mode
osdep_portio_default(void)
{
	return (PORTIO_URING);
}

enum hv_engine
osdep_engine_default(void)
{
	return (HV_ENGINE_COPY);	/* gntdev's grant-copy ioctl */
}

unsigned int
osdep_tap_max_queues(void)
{
	return (XENNETD_MAX_QUEUES);	/* IFF_MULTI_QUEUE */
}

/* osdep_tap_vnet: 1: every tap frame has a struct xn_vnet_hdr first. */
int
osdep_tap_vnet(void)
{
	return (1);
}

/*
 * osdep_tap_fd: open /dev/net/tun and create tap name, or join it as
 * one more queue: a multi-queue tap with a virtio_net_hdr on every
 * frame.  Its name (the kernel may complete a pattern) in actual.  The
 * non-blocking descriptor, or -1 with errno.
 */
int
osdep_tap_fd(const char *name, char *actual, size_t len)
{
	struct ifreq ifr;
	int fd, hdrsz = (int)sizeof(struct xn_vnet_hdr), save;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) ==
	    -1)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = OSDEP_TAP_FLAGS;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1 ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) == -1) {
		save = errno;
		close(fd);
		errno = save;
		return (-1);
	}
	strncpy(actual, ifr.ifr_name, len - 1);
	actual[len - 1] = '\0';
	return (fd);
}

/* osdep_tap_queue: attach (1) or detach (0) the tap queue fd.  0 or -1. */
int
osdep_tap_queue(int fd, int attach)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = attach ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
	return (ioctl(fd, TUNSETQUEUE, &ifr));
}

/* osdep_tap_lladdr: set the Ethernet address of interface name. */
int
osdep_tap_lladdr(const char *name, const uint8_t *mac)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return (tap_ifreq(name, SIOCSIFHWADDR, &ifr));
}

/*
 * osdep_tap_offload: let the host stack hand us partial checksums and
 * TSO frames on queue fd only as far as the guest can take them on its
 * rx ring.  0 or -1 with errno.
 */
int
osdep_tap_offload(int fd, const struct ring_features *rf)
{
	unsigned int off = 0;

	if (rf->rf_csum || rf->rf_csum6) {
		off |= TUN_F_CSUM;
		if (rf->rf_sg && rf->rf_gso4 && rf->rf_csum)
			off |= TUN_F_TSO4;
		if (rf->rf_sg && rf->rf_gso6 && rf->rf_csum6)
			off |= TUN_F_TSO6;
	}
	return (ioctl(fd, TUNSETOFFLOAD, off));
}

/*
 * osdep_tap_name: the name of the interface of tap descriptor fd now (a
 * hotplug script may have renamed it).  0 or -1 with errno.
 */
int
osdep_tap_name(int fd, char *name, size_t len)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) == -1)
		return (-1);
	snprintf(name, len, "%.*s", IFNAMSIZ, ifr.ifr_name);
	return (0);
}

/*
 * osdep_tap_carrier: the tap's carrier on (1) or off (0): TUNSETCARRIER
 * (Linux 4.11).  0, or -1 with errno (EINVAL or ENOTTY: not there).
 */
int
osdep_tap_carrier(int fd, int on)
{
#ifdef TUNSETCARRIER
	return (ioctl(fd, TUNSETCARRIER, &on));
#else
	(void)fd;
	(void)on;
	errno = ENOTTY;
	return (-1);
#endif
}

/*
 * osdep_sysfs: the first line of /sys/class/net/IFNAME/ATTR, without its
 * newline.  0, or -1 with errno.
 */
static int
osdep_sysfs(const char *ifname, const char *attr, char *buf, size_t len)
{
	char path[IFNAMSIZ + 64];
	FILE *f;
	int save;

	snprintf(path, sizeof(path), "%s/%s/%s", OSDEP_SYSFS, ifname, attr);
	if ((f = fopen(path, "re")) == NULL)
		return (-1);
	if (fgets(buf, (int)len, f) == NULL) {
		save = ferror(f) ? errno : ENOENT;
		fclose(f);
		errno = save;
		return (-1);
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return (0);
}

/* osdep_tap_left: interface ifname is a persistent tap of ours (flags). */
static int
osdep_tap_left(const char *ifname)
{
	char buf[64];
	unsigned long flags;

	if (osdep_sysfs(ifname, "tun_flags", buf, sizeof(buf)) == -1)
		return (0);
	flags = strtoul(buf, NULL, 16);
	return ((flags & (OSDEP_TAP_FLAGS | IFF_PERSIST)) ==
	    (OSDEP_TAP_FLAGS | IFF_PERSIST));
}

/*
 * osdep_tap_find: the persistent tap whose interface alias is alias,
 * under whatever name it has now (a hotplug script may have renamed it
 * to anything: every interface is looked at); copied to actual.  1 if
 * there is one, else 0.
 */
int
osdep_tap_find(const char *alias, char *actual, size_t len)
{
	struct if_nameindex *ifs, *i;
	char buf[256];
	int found = 0;

	if ((ifs = if_nameindex()) == NULL)
		return (0);
	for (i = ifs; i->if_index != 0 && !found; i++) {
		if (osdep_sysfs(i->if_name, "ifalias", buf, sizeof(buf)) ==
		    -1 || strcmp(buf, alias) != 0 || !osdep_tap_left(i->if_name))
			continue;
		snprintf(actual, len, "%s", i->if_name);
		found = 1;
	}
	if_freenameindex(ifs);
	return (found);
}

/*
 * osdep_tap_leftovers: for each persistent tap whose alias starts with
 * prefix, fn(arg, the rest of the alias).  0, or -1 with errno.
 */
int
osdep_tap_leftovers(const char *prefix, void (*fn)(void *, const char *),
    void *arg)
{
	struct if_nameindex *ifs, *i;
	char buf[256];
	size_t pl = strlen(prefix);

	if ((ifs = if_nameindex()) == NULL)
		return (-1);
	for (i = ifs; i->if_index != 0; i++) {
		if (!osdep_tap_left(i->if_name) ||
		    osdep_sysfs(i->if_name, "ifalias", buf, sizeof(buf)) ==
		    -1 || strncmp(buf, prefix, pl) != 0 ||
		    strlen(buf + pl) >= IFNAMSIZ)
			continue;
		fn(arg, buf + pl);
	}
	if_freenameindex(ifs);
	return (0);
}

/* osdep_tap_mark: set interface ifname's alias.  0, or -1 with errno. */
int
osdep_tap_mark(const char *ifname, const char *alias)
{
	char path[IFNAMSIZ + 64];
	FILE *f;
	int save;

	snprintf(path, sizeof(path), "%s/%s/ifalias", OSDEP_SYSFS, ifname);
	if ((f = fopen(path, "we")) == NULL)
		return (-1);
	if (fputs(alias, f) == EOF) {
		save = errno;
		fclose(f);
		errno = save;
		return (-1);
	}
	return (fclose(f) == EOF ? -1 : 0);
}

/*
 * osdep_tap_persist: the tap of fd outlives its descriptors (1) or goes
 * with the last (0): TUNSETPERSIST.  0, or -1 with errno.
 */
int
osdep_tap_persist(int fd, int on)
{
	return (ioctl(fd, TUNSETPERSIST, on ? 1UL : 0UL));
}

/* osdep_tap_persistent: 1 if the tap of fd is persistent, 0 if not, -1. */
int
osdep_tap_persistent(int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) == -1)
		return (-1);
	return ((ifr.ifr_flags & IFF_PERSIST) != 0);
}

/* osdep_tap_close: the tap goes with the last of its descriptors. */
void
osdep_tap_close(int fd)
{
	close(fd);
}
