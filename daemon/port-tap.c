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
 * long as its descriptor: closing it removes the interface.
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

/*
 * tap_open: create tap `name` (copied back into actual, as the kernel
 * may complete a pattern) with the given MTU and the host-side MAC
 * fe:ff:ff:ff:ff:ff that Xen vifs use (so a bridge never takes it as its
 * own address).  The link is left down: the hotplug script brings it
 * up.  Returns a non-blocking fd, or -1 with errno.
 */
int
tap_open(const char *name, char *actual, size_t len, unsigned int mtu)
{
	struct ifreq ifr;
	int fd, hdrsz = (int)sizeof(struct xn_vnet_hdr), save;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) ==
	    -1)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		goto fail;
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) == -1)
		goto fail;
	strncpy(actual, ifr.ifr_name, len - 1);
	actual[len - 1] = '\0';

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
	return (fd);
fail:
	save = errno;
	close(fd);
	errno = save;
	return (-1);
}

/*
 * tap_set_offload: let the host stack hand us partial checksums and TSO
 * frames only as far as the guest can take them on its rx ring.
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
