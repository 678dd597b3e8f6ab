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
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

static int	tap_ifreq(const char *, unsigned long, struct ifreq *);
static int	tap_queue_fd(const char *, char *, size_t);

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
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE;
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
 * tap_open: create tap `name` (copied back into actual, as the kernel
 * may complete a pattern) with nqueues queues (1..XENNETD_MAX_QUEUES),
 * the given MTU and the host-side MAC fe:ff:ff:ff:ff:ff that Xen vifs
 * use (so a bridge never takes it as its own address).  Only the first
 * queue is left attached.  The link is left down: the hotplug script
 * brings it up.  Returns 0 with tp's non-blocking descriptors, or -1
 * with errno (EEXIST: an interface of that name exists; a multi-queue
 * tap would let us join it) and nothing left open.
 */
int
tap_open(struct tap *tp, const char *name, char *actual, size_t len,
    unsigned int nqueues, unsigned int mtu)
{
	struct ifreq ifr;
	char joined[IFNAMSIZ];
	int save;

	/* Privilege separation: the privileged helper runs the rest. */
	if (priv_running())
		return (priv_tap_open(tp, name, actual, len, nqueues, mtu));
	memset(tp, 0, sizeof(*tp));
	if (nqueues < 1 || nqueues > XENNETD_MAX_QUEUES) {
		errno = EINVAL;
		return (-1);
	}
	if (if_nametoindex(name) != 0) {
		errno = EEXIST;
		return (-1);
	}
	if ((tp->tp_fd[0] = tap_queue_fd(name, actual, len)) == -1)
		return (-1);
	tp->tp_nfd = tp->tp_nattached = 1;
	while (tp->tp_nfd < nqueues) {
		if ((tp->tp_fd[tp->tp_nfd] = tap_queue_fd(actual, joined,
		    sizeof(joined))) == -1)
			goto fail;
		tp->tp_nfd++;
		tp->tp_nattached++;
	}
	if (tap_queues(tp, 1) == -1)
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
	return (0);
fail:
	save = errno;
	tap_close(tp);
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

/* tap_close: close every queue: the interface goes with the last one. */
void
tap_close(struct tap *tp)
{
	unsigned int i;

	for (i = 0; i < tp->tp_nfd; i++)
		close(tp->tp_fd[i]);
	tp->tp_nfd = tp->tp_nattached = 0;
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
