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
 * Software offloads (soft.h).  A segment is the frame's headers, copied,
 * then its slice of the payload; what differs from one segment to the
 * next is rewritten: the IP length, the IPv4 identification (one more
 * per segment, as TSO does) and header checksum, the TCP sequence
 * number, the flags that belong to the first or the last segment only
 * (RFC 9293 3.1; RFC 3168 6.1.2 for CWR) and the TCP checksum.
 */

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "soft.h"

/* RFC 9293 3.1: the flags octet of the TCP header, and its bits. */
#define SOFT_TCP_FLAGS		13
#define SOFT_TCP_FIN		0x01
#define SOFT_TCP_PSH		0x08
#define SOFT_TCP_CWR		0x80

static uint16_t	soft_get16(const uint8_t *);
static void	soft_put16(uint8_t *, uint16_t);

static uint16_t
soft_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static void
soft_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
soft_gso_start(struct soft_gso *sg, const uint8_t *f, size_t len,
    unsigned int mss, unsigned int mtu)
{
	size_t pay, nseg;
	unsigned int iph;
	int hl;

	memset(sg, 0, sizeof(*sg));
	if (pkt_l4(f, len, &sg->sg_l4) == -1 ||
	    sg->sg_l4.pl_proto != IPPROTO_TCP ||
	    (hl = pkt_tcp_hlen(f, len, sg->sg_l4.pl_l4off)) == -1 ||
	    pkt_ip_end(f, len, &sg->sg_l4, &sg->sg_end) == -1)
		goto inval;
	sg->sg_hlen = sg->sg_l4.pl_l4off + (unsigned int)hl;
	if (sg->sg_hlen > sg->sg_end)
		goto inval;
	if (mss == 0) {
		/* IP and TCP headers, options included, count in the MTU */
		iph = sg->sg_hlen - sg->sg_l4.pl_l3off;
		if (mtu <= iph)
			goto inval;
		mss = mtu - iph;
	}
	pay = sg->sg_end - sg->sg_hlen;
	nseg = pay == 0 ? 1 : (pay + mss - 1) / mss;
	if (nseg > SOFT_GSO_MAX_SEGS)
		goto inval;
	sg->sg_f = f;
	sg->sg_mss = mss;
	sg->sg_off = sg->sg_hlen;
	sg->sg_nseg = (unsigned int)nseg;
	return ((int)nseg);
inval:
	errno = EINVAL;
	return (-1);
}

ssize_t
soft_gso_next(struct soft_gso *sg, uint8_t *out, size_t outlen)
{
	const struct pkt_l4 *pl = &sg->sg_l4;
	unsigned int l3 = pl->pl_l3off, l4 = pl->pl_l4off;
	size_t n, len;
	uint32_t seq;
	uint8_t *p;

	if (sg->sg_seg == sg->sg_nseg)
		return (0);
	n = sg->sg_end - sg->sg_off;
	if (n > sg->sg_mss)
		n = sg->sg_mss;
	len = sg->sg_hlen + n;
	if (len > outlen) {
		errno = ENOBUFS;
		return (-1);
	}
	memcpy(out, sg->sg_f, sg->sg_hlen);
	memcpy(out + sg->sg_hlen, sg->sg_f + sg->sg_off, n);

	if (pl->pl_v6)
		soft_put16(out + l3 + offsetof(struct ip6_hdr, ip6_plen),
		    (uint16_t)(len - l3 - sizeof(struct ip6_hdr)));
	else {
		soft_put16(out + l3 + offsetof(struct ip, ip_len),
		    (uint16_t)(len - l3));
		p = out + l3 + offsetof(struct ip, ip_id);
		soft_put16(p, (uint16_t)(soft_get16(p) + sg->sg_seg));
		pkt_ip4_csum(out, len, l3);
	}

	p = out + l4 + offsetof(struct tcphdr, th_seq);
	seq = (uint32_t)soft_get16(p) << 16 | soft_get16(p + 2);
	seq += (uint32_t)(sg->sg_off - sg->sg_hlen);
	soft_put16(p, (uint16_t)(seq >> 16));
	soft_put16(p + 2, (uint16_t)seq);
	if (sg->sg_seg + 1 < sg->sg_nseg)
		out[l4 + SOFT_TCP_FLAGS] &= ~(SOFT_TCP_FIN | SOFT_TCP_PSH);
	if (sg->sg_seg > 0)
		out[l4 + SOFT_TCP_FLAGS] &= ~SOFT_TCP_CWR;

	/* the pseudo-header sum in the field, then the whole sum */
	soft_put16(out + l4 + pl->pl_csumoff,
	    pkt_fold(pkt_pseudo(out, pl, len - l4)));
	pkt_csum_complete(out, len, l4, pl->pl_csumoff);

	sg->sg_off += n;
	sg->sg_seg++;
	return ((ssize_t)len);
}

int
soft_tx(uint8_t *f, size_t len, const struct xn_vnet_hdr *vh,
    uint8_t *scratch, size_t scratchlen,
    int (*out)(void *, const uint8_t *, size_t), void *arg)
{
	struct soft_gso sg;
	unsigned int type = vh->vh_gso_type & ~XN_VNET_GSO_ECN;
	ssize_t n;
	int sent = 0;

	if (type == XN_VNET_GSO_NONE) {
		if (vh->vh_flags & XN_VNET_F_NEEDS_CSUM) {
			if ((size_t)vh->vh_csum_start + vh->vh_csum_offset +
			    sizeof(uint16_t) > len) {
				errno = EINVAL;
				return (-1);
			}
			pkt_csum_complete(f, len, vh->vh_csum_start,
			    vh->vh_csum_offset);
		}
		return (out(arg, f, len) == -1 ? -1 : 1);
	}
	/* Only TCP segmentation is offered to guests (feature-gso-tcpv*). */
	if ((type != XN_VNET_GSO_TCPV4 && type != XN_VNET_GSO_TCPV6) ||
	    vh->vh_gso_size == 0 ||
	    soft_gso_start(&sg, f, len, vh->vh_gso_size, 0) == -1 ||
	    sg.sg_l4.pl_v6 != (type == XN_VNET_GSO_TCPV6)) {
		errno = EINVAL;
		return (-1);
	}
	while ((n = soft_gso_next(&sg, scratch, scratchlen)) > 0) {
		if (out(arg, scratch, (size_t)n) == -1)
			return (-1);
		sent++;
	}
	return (n == -1 ? -1 : sent);
}

int
soft_tx_iov(const struct iovec *iov, int cnt, uint8_t *scratch,
    size_t scratchlen, int (*out)(void *, const uint8_t *, size_t),
    void *arg, int *gso)
{
	struct xn_vnet_hdr vh;

	if (cnt != 2 || iov[0].iov_len != sizeof(vh)) {
		errno = EINVAL;
		return (-1);
	}
	memcpy(&vh, iov[0].iov_base, sizeof(vh));
	if (gso != NULL)
		*gso = vh.vh_gso_type != XN_VNET_GSO_NONE;
	return (soft_tx(iov[1].iov_base, iov[1].iov_len, &vh, scratch,
	    scratchlen, out, arg));
}

int
soft_rx_csum(uint8_t *f, size_t len)
{
	struct pkt_l4 pl;
	size_t end;

	if (pkt_l4(f, len, &pl) == -1 || pkt_ip_end(f, len, &pl, &end) == -1 ||
	    (size_t)pl.pl_l4off + pl.pl_csumoff + sizeof(uint16_t) > end)
		return (0);
	/* A partial checksum is the folded pseudo-header sum, no more. */
	if (soft_get16(f + pl.pl_l4off + pl.pl_csumoff) !=
	    pkt_fold(pkt_pseudo(f, &pl, end - pl.pl_l4off)))
		return (0);
	if (pkt_csum_ok(f, len) != 0)
		return (0);	/* it happens to be right as it is */
	pkt_csum_complete(f, end, pl.pl_l4off, pl.pl_csumoff);
	return (1);
}
