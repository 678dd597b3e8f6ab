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
 * The tap port.  One tap per vif, named as the host's toolstack and
 * hotplug scripts expect it (ifname.c: vif<domid>.<handle> on Linux,
 * whose vif-bridge renames it to the toolstack's vifname itself; see
 * vif.c).  The tap lives as long as its descriptors: closing the last
 * one removes the interface.  What the host's tap driver does is in
 * osdep-linux.c and osdep-bsd.c.
 *
 * On Linux frames carry a virtio_net_hdr (IFF_VNET_HDR) so checksum and
 * GSO offloads pass between the guest and the host stack untouched; the
 * BSD taps carry none (portio.c then does the offloads in software).
 *
 * On Linux the tap is multi-queue (IFF_MULTI_QUEUE) with one descriptor
 * per netif queue the vif may serve, all opened when the vif is created:
 * the first creates the interface, the others join it by name at once,
 * before the hotplug script can rename it (a later TUNSETIFF by the old
 * name would create a second interface).  A connection with n queues
 * keeps the first n attached and the others detached (TUNSETQUEUE); a
 * detached queue gets no frames from the host, so none are stranded on
 * a queue nobody reads, and the next connection may ask for more or
 * fewer.  This is what xen-netback does with its netdev's queues:
 * allocated for the maximum, as many enabled as the frontend asked for.
 * The BSD taps have one queue (osdep_tap_max_queues).
 *
 * A restart must not take the guests' network away (xennetd.8,
 * RESTART): the tap is made persistent (osdep_tap_persist), so that it
 * outlives a daemon killed or stopped with -k, keeping its bridge port,
 * its ifindex and its name; the next daemon joins it again.  It is
 * marked ours by its interface alias, "xennetd vif<domid>.<handle>"
 * (TAP_ALIAS), which follows the hotplug script's rename and names the
 * vif it served.  Closing it for good (the vif went) clears the
 * persistence first, so the interface still goes with the last
 * descriptor.  Linux only: a BSD tap is never found again.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

#define TAP_ALIAS	"xennetd "	/* + the name it was created with */

static int	tap_join(struct tap *, const char *, unsigned int);
static int	tap_more(struct tap *, const char *, unsigned int);

/* With privilege separation: the helper's calls (tap_set_priv). */
static const struct tap_priv *tap_priv;

/* The host side's MAC, as Xen vifs have it: never a bridge's own. */
static const uint8_t tap_lladdr[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * tap_set_priv: from now on, what needs root (making, joining and
 * discarding a tap, setting its MTU and link) is asked of ops: the
 * privileged helper's (priv_start), once the daemon is to drop its
 * privileges.  Before the worker threads start.
 */
void
tap_set_priv(const struct tap_priv *ops)
{
	tap_priv = ops;
}

/*
 * tap_vhost_open: a new vhost-net device for one of a tap's queues (-i
 * vhost), from the helper once the daemon dropped its privileges (the
 * device is root's, and the sandbox opens no file).  A descriptor, or
 * -1 with errno.
 */
int
tap_vhost_open(void)
{
	if (tap_priv != NULL)
		return (tap_priv->tpv_vhost());
	return (open(TAP_VHOST_DEV, O_RDWR | O_CLOEXEC));
}

/* tap_ifreq: one SIOC* ioctl on an AF_INET datagram socket. */
int
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

/*
 * tap_join: open nqueues descriptors on the existing persistent tap
 * ifname, the first left attached.  It must still be persistent once
 * joined (else it belongs to a live process: EEXIST).  0, or -1 with
 * errno and nothing left open.
 */
static int
tap_join(struct tap *tp, const char *ifname, unsigned int nqueues)
{
	int save;

	if (tap_more(tp, ifname, nqueues) == -1)
		goto fail;
	switch (osdep_tap_persistent(tp->tp_fd[0])) {
	case -1:
		goto fail;
	case 0:
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
		if ((tp->tp_fd[tp->tp_nfd] = osdep_tap_fd(ifname, joined,
		    sizeof(joined))) == -1)
			return (-1);
		tp->tp_nfd++;
		tp->tp_nattached++;
	}
	return (0);
}

/*
 * tap_open: create tap `name` (copied back into actual, as the kernel
 * may complete a pattern or, on NetBSD, name it itself) with nqueues
 * queues (1..XENNETD_MAX_QUEUES; as many as the host's taps have, at
 * most: osdep_tap_max_queues), the given MTU and the host-side MAC
 * fe:ff:ff:ff:ff:ff that Xen vifs use (so a bridge never takes it as
 * its own address), persistent and marked ours.  Only the first queue
 * is left attached.  The link is left down: the hotplug script brings
 * it up.  If an earlier daemon left its tap for name behind, it is
 * joined instead, as it is (name, MTU, address, link, bridge):
 * tp_reused says so and actual is its present name.  Returns 0 with
 * tp's non-blocking descriptors, or -1 with errno (EEXIST: an interface
 * called name exists and is not such a tap) and nothing left open.
 */
int
tap_open(struct tap *tp, const char *name, char *actual, size_t len,
    unsigned int nqueues, unsigned int mtu)
{
	struct ifreq ifr;
	char joined[IFNAMSIZ], alias[IFNAMSIZ + sizeof(TAP_ALIAS)];
	int save;

	/* Privilege separation: the privileged helper runs the rest. */
	if (tap_priv != NULL)
		return (tap_priv->tpv_open(tp, name, actual, len, nqueues,
		    mtu));
	memset(tp, 0, sizeof(*tp));
	if (nqueues < 1 || nqueues > XENNETD_MAX_QUEUES) {
		errno = EINVAL;
		return (-1);
	}
	if (nqueues > osdep_tap_max_queues())
		nqueues = osdep_tap_max_queues();
	snprintf(alias, sizeof(alias), "%s%s", TAP_ALIAS, name);
	if (osdep_tap_find(alias, joined, sizeof(joined)) == 1) {
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
	if ((tp->tp_fd[0] = osdep_tap_fd(name, actual, len)) == -1)
		return (-1);
	tp->tp_nfd = tp->tp_nattached = 1;
	if (tap_more(tp, actual, nqueues) == -1 || tap_queues(tp, 1) == -1)
		goto fail;

	if (osdep_tap_lladdr(actual, tap_lladdr) == -1)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = (int)mtu;
	if (tap_ifreq(actual, SIOCSIFMTU, &ifr) == -1)
		goto fail;
	/* the mark first: a persistent tap is never left unmarked */
	if (osdep_tap_mark(actual, alias) == -1 ||
	    osdep_tap_persist(tp->tp_fd[0], 1) == -1)
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
 * attached.  TUNSETQUEUE acts on the descriptor's own tap and asks no
 * capability: the sandboxed daemon does it itself.
 */
int
tap_queues(struct tap *tp, unsigned int n)
{
	if (n < 1 || n > tp->tp_nfd) {
		errno = EINVAL;
		return (-1);
	}
	while (tp->tp_nattached > n) {
		if (osdep_tap_queue(tp->tp_fd[tp->tp_nattached - 1], 0) == -1)
			return (-1);
		tp->tp_nattached--;
	}
	while (tp->tp_nattached < n) {
		if (osdep_tap_queue(tp->tp_fd[tp->tp_nattached], 1) == -1)
			return (-1);
		tp->tp_nattached++;
	}
	return (0);
}

/*
 * tap_close: close every queue.  keep: leave the tap persistent, for
 * the next daemon (xennetd -k, a restart); else it goes with the last
 * descriptor.  TUNSETPERSIST acts on the descriptor's own tap and asks
 * no capability: the sandbox lets the daemon do it (sandbox.c).
 */
void
tap_close(struct tap *tp, int keep)
{
	unsigned int i;

	if (!keep && tp->tp_nfd > 0)
		(void)osdep_tap_persist(tp->tp_fd[0], 0);
	for (i = 0; i < tp->tp_nfd; i++)
		osdep_tap_close(tp->tp_fd[i]);
	tp->tp_nfd = tp->tp_nattached = 0;
}

/*
 * tap_discard: remove the persistent tap an earlier daemon left for
 * name (see tap_open), if there is one; its present name in actual.  1
 * if one was removed, 0 if there was none, -1 with errno.
 */
int
tap_discard(const char *name, char *actual, size_t len)
{
	struct tap tp;
	char alias[IFNAMSIZ + sizeof(TAP_ALIAS)];

	/* joining a tap needs CAP_NET_ADMIN: the helper's */
	if (tap_priv != NULL)
		return (tap_priv->tpv_discard(name, actual, len));
	memset(&tp, 0, sizeof(tp));
	snprintf(alias, sizeof(alias), "%s%s", TAP_ALIAS, name);
	if (osdep_tap_find(alias, actual, len) != 1)
		return (0);
	if (tap_join(&tp, actual, 1) == -1)
		return (-1);
	tap_close(&tp, 0);
	return (1);
}

/*
 * tap_leftovers: the names (vif<domid>.<handle>, as created) of the
 * persistent taps earlier daemons left, for each of which fn(arg,
 * name) is called.  It reads sysfs: startup only, before the daemon
 * drops its privileges (vif_sweep).  0, or -1 with errno.
 */
int
tap_leftovers(void (*fn)(void *, const char *), void *arg)
{
	return (osdep_tap_leftovers(TAP_ALIAS, fn, arg));
}

/*
 * tap_set_offload: let the host stack hand us partial checksums and TSO
 * frames on queue fd only as far as the guest can take them on its rx
 * ring (where the tap has a vnet header).  0 or -1 with errno.
 */
int
tap_set_offload(int fd, const struct ring_features *rf)
{
	return (osdep_tap_offload(fd, rf));
}

/*
 * tap_set: set the MTU (TAP_SET_MTU, value) or the link up (TAP_SET_UP,
 * value 1) or down (0) of the tap whose queue fd is given, whatever it
 * is called now.  Both need CAP_NET_ADMIN: with privilege separation
 * the helper calls this (priv.c), given the descriptor itself, so that
 * the daemon may touch only a tap it holds.  0 or -1 with errno.
 */
int
tap_set(int fd, int what, unsigned int value)
{
	struct ifreq ifr;
	char name[IFNAMSIZ];

	/* its name now: a hotplug script may have renamed it */
	if (osdep_tap_name(fd, name, sizeof(name)) == -1)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	switch (what) {
	case TAP_SET_MTU:
		ifr.ifr_mtu = (int)value;
		return (tap_ifreq(name, SIOCSIFMTU, &ifr));
	case TAP_SET_UP:
		if (tap_ifreq(name, SIOCGIFFLAGS, &ifr) == -1)
			return (-1);
		if (value)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		return (tap_ifreq(name, SIOCSIFFLAGS, &ifr));
	}
	errno = EINVAL;
	return (-1);
}

/*
 * tap_set_mtu: the MTU of the tap whose queue fd is given (the mtu key
 * followed live, a reload).  0 or -1 with errno.
 */
int
tap_set_mtu(int fd, unsigned int mtu)
{
	if (tap_priv != NULL)
		return (tap_priv->tpv_set(fd, TAP_SET_MTU, mtu));
	return (tap_set(fd, TAP_SET_MTU, mtu));
}

/*
 * tap_set_carrier: the carrier of the tap whose queue fd is given, on
 * (1) or off (0): TUNSETCARRIER (Linux 4.11), which asks no capability
 * of the descriptor's holder.  A kernel without it gets the link taken
 * down and up instead (IFF_UP, through the helper with privilege
 * separation), which a bridge also sees.  0 or -1 with errno.
 */
int
tap_set_carrier(int fd, int on)
{
	if (osdep_tap_carrier(fd, on) == 0)
		return (0);
	if (errno != EINVAL && errno != ENOTTY)
		return (-1);
	if (tap_priv != NULL)
		return (tap_priv->tpv_set(fd, TAP_SET_UP, on != 0));
	return (tap_set(fd, TAP_SET_UP, on != 0));
}
