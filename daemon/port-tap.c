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
 * The tap port (Linux tun/tap).  One tap per vif, named like the kernel
 * netback's interface, vif<domid>.<handle>, so the stock hotplug scripts
 * (vif-bridge) find and enslave it; they rename it to the toolstack's
 * vifname themselves (see vif.c).  Frames
 * carry a virtio_net_hdr (IFF_VNET_HDR) so checksum and GSO offloads
 * pass between the guest and the host stack untouched.  The tap lives as
 * long as its descriptors: closing the last one removes the interface.
 *
 * The tap is multi-queue (IFF_MULTI_QUEUE) with one descriptor per netif
 * queue the vif may serve, all opened when the vif is created: the first
 * creates the interface, the others join it by name at once, before the
 * hotplug script can rename it (a later TUNSETIFF by the old name would
 * create a second interface).  A connection with n queues keeps the
 * first n attached and the others detached (TUNSETQUEUE); a detached
 * queue gets no frames from the host, so none are stranded on a queue
 * nobody reads, and the next connection may ask for more or fewer.  This
 * is what xen-netback does with its netdev's queues: allocated for the
 * maximum, as many enabled as the frontend asked for.
 *
 * A restart must not take the guests' network away (xennetd.8,
 * RESTART): the tap is made persistent (TUNSETPERSIST), so that it
 * outlives a daemon killed or stopped with -k, keeping its bridge port,
 * its ifindex and its name; the next daemon joins it again.  It is
 * marked ours by its interface alias, "xennetd vif<domid>.<handle>"
 * (TAP_ALIAS), which follows the hotplug script's rename and names the
 * vif it served.  Closing it for good (the vif went) clears the
 * persistence first, so the interface still goes with the last
 * descriptor.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

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

#define TAP_ALIAS	"xennetd "	/* + the name it was created with */
#define TAP_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)
#define TAP_SYSFS	"/sys/class/net"

static int	tap_ifreq(const char *, unsigned long, struct ifreq *);
static int	tap_queue_fd(const char *, char *, size_t);
static int	tap_sysfs(const char *, const char *, char *, size_t);
static int	tap_ours(const char *, char *, size_t);
static int	tap_join(struct tap *, const char *, unsigned int);
static int	tap_more(struct tap *, const char *, unsigned int);

/* tap_ifreq: one SIOC* ioctl on an AF_INET datagram socket. */
static int
tap_ifreq(const char *name, unsigned long req, struct ifreq *ifr)
{
	int s, rv, save;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	ifr->ifr_name[IFNAMSIZ - 1] = '\0';
	rv = ioctl(s, req, ifr);
	save = errno;
	close(s);
	errno = save;
	return (rv);
}

/* tap_queue_fd: open /dev/net/tun and join or create tap name. */
static int
tap_queue_fd(const char *name, char *actual, size_t len)
{
	struct ifreq ifr;
	int fd, hdrsz = (int)sizeof(struct xn_vnet_hdr), save;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) ==
	    -1)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = TAP_FLAGS;
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

/*
 * tap_sysfs: the first line of TAP_SYSFS/ifname/attr, without its
 * newline, in buf (len bytes, at least 1).  0, or -1 with errno.
 */
static int
tap_sysfs(const char *ifname, const char *attr, char *buf, size_t len)
{
	char path[IFNAMSIZ + 64];
	FILE *f;
	int save;

	snprintf(path, sizeof(path), "%s/%s/%s", TAP_SYSFS, ifname, attr);
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

/*
 * tap_ours: find the persistent tap a daemon made for name (its alias
 * TAP_ALIAS name) under whatever name it has now; copied to actual.  1
 * if there is one, else 0.  Every interface is looked at: a hotplug
 * script may have renamed it to anything.
 */
static int
tap_ours(const char *name, char *actual, size_t len)
{
	struct if_nameindex *ifs, *i;
	char want[IFNAMSIZ + sizeof(TAP_ALIAS)], buf[256];
	unsigned long flags;
	int found = 0;

	snprintf(want, sizeof(want), "%s%s", TAP_ALIAS, name);
	if ((ifs = if_nameindex()) == NULL)
		return (0);
	for (i = ifs; i->if_index != 0 && !found; i++) {
		if (tap_sysfs(i->if_name, "ifalias", buf, sizeof(buf)) == -1 ||
		    strcmp(buf, want) != 0 ||
		    tap_sysfs(i->if_name, "tun_flags", buf, sizeof(buf)) ==
		    -1)
			continue;
		flags = strtoul(buf, NULL, 16);
		if ((flags & (TAP_FLAGS | IFF_PERSIST)) ==
		    (TAP_FLAGS | IFF_PERSIST)) {
			strncpy(actual, i->if_name, len - 1);
			actual[len - 1] = '\0';
			found = 1;
		}
	}
	if_freenameindex(ifs);
	return (found);
}

/*
 * tap_join: open nqueues descriptors on the existing persistent tap
 * ifname, the first left attached.  It must still be persistent once
 * joined (else it belongs to a live process: EEXIST).  0, or -1 with
 * errno and nothing left open.
 */
static int
tap_join(struct tap *tp, const char *ifname, unsigned int nqueues)
{
	struct ifreq ifr;
	int save;

	if (tap_more(tp, ifname, nqueues) == -1)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tp->tp_fd[0], TUNGETIFF, &ifr) == -1)
		goto fail;
	if ((ifr.ifr_flags & IFF_PERSIST) == 0) {
		errno = EEXIST;
		goto fail;
	}
	if (tap_queues(tp, 1) == -1)
		goto fail;
	tp->tp_reused = 1;
	return (0);
fail:
	save = errno;
	tap_close(tp, 1);	/* it was persistent: leave it so */
	errno = save;
	return (-1);
}

/*
 * tap_more: join tap ifname with more descriptors until tp has nqueues.
 * 0, or -1 with errno (those opened stay in tp).
 */
static int
tap_more(struct tap *tp, const char *ifname, unsigned int nqueues)
{
	char joined[IFNAMSIZ];

	while (tp->tp_nfd < nqueues) {
		if ((tp->tp_fd[tp->tp_nfd] = tap_queue_fd(ifname, joined,
		    sizeof(joined))) == -1)
			return (-1);
		tp->tp_nfd++;
		tp->tp_nattached++;
	}
	return (0);
}

/*
 * tap_open: create tap `name` (copied back into actual, as the kernel
 * may complete a pattern) with nqueues queues (1..XENNETD_MAX_QUEUES),
 * the given MTU and the host-side MAC fe:ff:ff:ff:ff:ff that Xen vifs
 * use (so a bridge never takes it as its own address), persistent and
 * marked ours.  Only the first queue is left attached.  The link is
 * left down: the hotplug script brings it up.  If an earlier daemon
 * left its tap for name behind, it is joined instead, as it is (name,
 * MTU, address, link, bridge): tp_reused says so and actual is its
 * present name.  Returns 0 with tp's non-blocking descriptors, or -1
 * with errno (EEXIST: an interface called name exists and is not such
 * a tap) and nothing left open.
 */
int
tap_open(struct tap *tp, const char *name, char *actual, size_t len,
    unsigned int nqueues, unsigned int mtu)
{
	struct ifreq ifr;
	char joined[IFNAMSIZ], alias[IFNAMSIZ + sizeof(TAP_ALIAS)];
	char path[IFNAMSIZ + 64];
	FILE *f;
	int save;

	memset(tp, 0, sizeof(*tp));
	if (nqueues < 1 || nqueues > XENNETD_MAX_QUEUES) {
		errno = EINVAL;
		return (-1);
	}
	if (tap_ours(name, joined, sizeof(joined))) {
		if (tap_join(tp, joined, nqueues) == -1)
			return (-1);
		strncpy(actual, joined, len - 1);
		actual[len - 1] = '\0';
		return (0);
	}
	if (if_nametoindex(name) != 0) {
		errno = EEXIST;
		return (-1);
	}
	if ((tp->tp_fd[0] = tap_queue_fd(name, actual, len)) == -1)
		return (-1);
	tp->tp_nfd = tp->tp_nattached = 1;
	if (tap_more(tp, actual, nqueues) == -1 || tap_queues(tp, 1) == -1)
		goto fail;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memset(ifr.ifr_hwaddr.sa_data, 0xff, 6);
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	if (tap_ifreq(actual, SIOCSIFHWADDR, &ifr) == -1)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = (int)mtu;
	if (tap_ifreq(actual, SIOCSIFMTU, &ifr) == -1)
		goto fail;
	/* the mark first: a persistent tap is never left unmarked */
	snprintf(alias, sizeof(alias), "%s%s", TAP_ALIAS, name);
	snprintf(path, sizeof(path), "%s/%s/ifalias", TAP_SYSFS, actual);
	if ((f = fopen(path, "we")) == NULL)
		goto fail;
	if (fputs(alias, f) == EOF) {
		save = errno;
		fclose(f);
		errno = save;
		goto fail;
	}
	if (fclose(f) == EOF)
		goto fail;
	if (ioctl(tp->tp_fd[0], TUNSETPERSIST, 1UL) == -1)
		goto fail;
	return (0);
fail:
	save = errno;
	tap_close(tp, 0);
	errno = save;
	return (-1);
}

/*
 * tap_queues: attach the first n queues of tp (1..tp_nfd) and detach
 * the others.  0, or -1 with errno; tp_nattached then says how many are
 * attached.
 */
int
tap_queues(struct tap *tp, unsigned int n)
{
	struct ifreq ifr;

	if (n < 1 || n > tp->tp_nfd) {
		errno = EINVAL;
		return (-1);
	}
	while (tp->tp_nattached > n) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_flags = IFF_DETACH_QUEUE;
		if (ioctl(tp->tp_fd[tp->tp_nattached - 1], TUNSETQUEUE,
		    &ifr) == -1)
			return (-1);
		tp->tp_nattached--;
	}
	while (tp->tp_nattached < n) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_flags = IFF_ATTACH_QUEUE;
		if (ioctl(tp->tp_fd[tp->tp_nattached], TUNSETQUEUE, &ifr) ==
		    -1)
			return (-1);
		tp->tp_nattached++;
	}
	return (0);
}

/*
 * tap_close: close every queue.  keep: leave the tap persistent, for
 * the next daemon (xennetd -k, a restart); else it goes with the last
 * descriptor.
 */
void
tap_close(struct tap *tp, int keep)
{
	unsigned int i;

	if (!keep && tp->tp_nfd > 0)
		(void)ioctl(tp->tp_fd[0], TUNSETPERSIST, 0UL);
	for (i = 0; i < tp->tp_nfd; i++)
		close(tp->tp_fd[i]);
	tp->tp_nfd = tp->tp_nattached = 0;
}

/*
 * tap_discard: remove the persistent tap an earlier daemon left for
 * name (see tap_ours), if there is one; its present name in actual.  1
 * if one was removed, 0 if there was none, -1 with errno.
 */
int
tap_discard(const char *name, char *actual, size_t len)
{
	struct tap tp;

	memset(&tp, 0, sizeof(tp));
	if (!tap_ours(name, actual, len))
		return (0);
	if (tap_join(&tp, actual, 1) == -1)
		return (-1);
	tap_close(&tp, 0);
	return (1);
}

/*
 * tap_leftovers: the names (vif<domid>.<handle>, as created) of the
 * persistent taps earlier daemons left, for each of which fn(arg,
 * name) is called.  0, or -1 with errno.
 */
int
tap_leftovers(void (*fn)(void *, const char *), void *arg)
{
	struct if_nameindex *ifs, *i;
	char buf[256];
	unsigned long flags;
	size_t al = strlen(TAP_ALIAS);

	if ((ifs = if_nameindex()) == NULL)
		return (-1);
	for (i = ifs; i->if_index != 0; i++) {
		if (tap_sysfs(i->if_name, "tun_flags", buf, sizeof(buf)) ==
		    -1)
			continue;
		flags = strtoul(buf, NULL, 16);
		if ((flags & (TAP_FLAGS | IFF_PERSIST)) !=
		    (TAP_FLAGS | IFF_PERSIST) ||
		    tap_sysfs(i->if_name, "ifalias", buf, sizeof(buf)) == -1 ||
		    strncmp(buf, TAP_ALIAS, al) != 0 ||
		    strlen(buf + al) >= IFNAMSIZ)
			continue;
		fn(arg, buf + al);
	}
	if_freenameindex(ifs);
	return (0);
}

/*
 * tap_set_offload: let the host stack hand us partial checksums and TSO
 * frames on queue fd only as far as the guest can take them on its rx
 * ring.  0 or -1 with errno.
 */
int
tap_set_offload(int fd, const struct ring_features *rf)
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
