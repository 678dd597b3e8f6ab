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
 * Header parsing and checksums for the offloads.  Frames are read octet
 * by octet in network order (no alignment assumed); the system's header
 * structures give the field offsets and sizes.
 */

#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/* The ethertype follows the two 6-octet addresses. */
#define PKT_ETH_TYPE		12
/* Ethertypes (IEEE registry; each system names them in another header). */
#define PKT_ETHERTYPE_IPV4	0x0800
#define PKT_ETHERTYPE_IPV6	0x86dd
#define PKT_ETHERTYPE_VLAN	0x8100	/* IEEE 802.1Q tag */
#define PKT_ETHERTYPE_QINQ	0x88a8	/* IEEE 802.1ad service tag */
/* RFC 8200 4: extension header lengths count 8-octet units. */
#define PKT_IP6_EXT_UNIT	8
/* Extension headers we walk at most before giving up on a frame. */
#define PKT_IP6_EXT_MAX		8
/* RFC 9293 3.1: data offset, in 32-bit words, in the high nibble. */
#define PKT_TCP_DOFF		12

static uint16_t	pkt_be16(const uint8_t *);

static uint16_t
pkt_be16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

int
pkt_l3(const uint8_t *f, size_t len, unsigned int *l3off, int *v6)
{
	unsigned int off = PKT_ETH_HLEN;
	uint16_t et;

	if (len < off)
		return (-1);
	et = pkt_be16(f + PKT_ETH_TYPE);
	if (et == PKT_ETHERTYPE_VLAN || et == PKT_ETHERTYPE_QINQ) {
		/* one tag; its ethertype is the frame's */
		if (len < PKT_ETH_HLEN + PKT_VLAN_LEN)
			return (-1);
		et = pkt_be16(f + PKT_ETH_TYPE + PKT_VLAN_LEN);
		off = PKT_ETH_HLEN + PKT_VLAN_LEN;
	}
	if (et == PKT_ETHERTYPE_IPV4) {
		if (len < off + sizeof(struct ip) || (f[off] >> 4) != 4 ||
		    (unsigned int)(f[off] & 0x0f) * 4 < sizeof(struct ip))
			return (-1);
		*v6 = 0;
	} else if (et == PKT_ETHERTYPE_IPV6) {
		if (len < off + sizeof(struct ip6_hdr) || (f[off] >> 4) != 6)
			return (-1);
		*v6 = 1;
	} else
		return (-1);
	*l3off = off;
	return (0);
}

int
pkt_l4(const uint8_t *f, size_t len, struct pkt_l4 *pl)
{
	unsigned int off, l3off, proto, hl, next, i;
	int v6;

	if (pkt_l3(f, len, &l3off, &v6) == -1)
		return (-1);
	off = l3off;
	if (!v6) {
		hl = (unsigned int)(f[off] & 0x0f) * 4;
		/* fragments carry no usable L4 header */
		if (pkt_be16(f + off + offsetof(struct ip, ip_off)) &
		    (IP_MF | IP_OFFMASK))
			return (-1);
		proto = f[off + offsetof(struct ip, ip_p)];
		off += hl;
	} else {
		next = f[off + offsetof(struct ip6_hdr, ip6_nxt)];
		off += sizeof(struct ip6_hdr);
		/* Bounded walk of the extension headers we can skip. */
		for (i = 0; i < PKT_IP6_EXT_MAX; i++) {
			if (next != IPPROTO_HOPOPTS &&
			    next != IPPROTO_ROUTING &&
			    next != IPPROTO_DSTOPTS)
				break;
			if (len < off + PKT_IP6_EXT_UNIT)
				return (-1);
			next = f[off + offsetof(struct ip6_ext, ip6e_nxt)];
			off += ((unsigned int)f[off +
			    offsetof(struct ip6_ext, ip6e_len)] + 1) *
			    PKT_IP6_EXT_UNIT;
		}
		proto = next;
	}
	if (proto == IPPROTO_TCP) {
		if (len < off + sizeof(struct tcphdr))
			return (-1);
		pl->pl_csumoff = offsetof(struct tcphdr, th_sum);
	} else if (proto == IPPROTO_UDP) {
		if (len < off + sizeof(struct udphdr))
			return (-1);
		pl->pl_csumoff = offsetof(struct udphdr, uh_sum);
	} else
		return (-1);
	pl->pl_l3off = l3off;
	pl->pl_l4off = off;
	pl->pl_proto = (uint8_t)proto;
	pl->pl_v6 = (uint8_t)v6;
	return (0);
}

int
pkt_tcp_hlen(const uint8_t *f, size_t len, unsigned int off)
{
	unsigned int hl;

	if ((size_t)off + sizeof(struct tcphdr) > len)
		return (-1);
	hl = (unsigned int)(f[off + PKT_TCP_DOFF] >> 4) * 4;
	if (hl < sizeof(struct tcphdr) || (size_t)off + hl > len)
		return (-1);
	return ((int)hl);
}

uint32_t
pkt_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += pkt_be16(p + i);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return (sum);
}

uint16_t
pkt_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}

void
pkt_csum_complete(uint8_t *f, size_t len, unsigned int start,
    unsigned int off)
{
	uint16_t c;

	if (start >= len || (size_t)start + off + sizeof(c) > len)
		return;
	c = (uint16_t)~pkt_fold(pkt_sum(f + start, len - start, 0));
	/* RFC 768: a computed 0 is sent as all ones (0 means "none"). */
	if (c == 0 && off == offsetof(struct udphdr, uh_sum))
		c = 0xffff;
	f[start + off] = (uint8_t)(c >> 8);
	f[start + off + 1] = (uint8_t)c;
}

int
pkt_ip_end(const uint8_t *f, size_t len, const struct pkt_l4 *pl,
    size_t *end)
{
	size_t e;

	if (pl->pl_v6)
		e = (size_t)pl->pl_l3off + sizeof(struct ip6_hdr) +
		    pkt_be16(f + pl->pl_l3off +
		    offsetof(struct ip6_hdr, ip6_plen));
	else
		e = (size_t)pl->pl_l3off + pkt_be16(f + pl->pl_l3off +
		    offsetof(struct ip, ip_len));
	/* RFC 8200 jumbograms (payload length 0) are not taken either. */
	if (e <= pl->pl_l4off || e > len)
		return (-1);
	*end = e;
	return (0);
}

uint32_t
pkt_pseudo(const uint8_t *f, const struct pkt_l4 *pl, size_t l4len)
{
	uint32_t sum;

	/* RFC 9293 3.1 and RFC 8200 8.1: addresses, protocol, length. */
	if (pl->pl_v6)
		sum = pkt_sum(f + pl->pl_l3off +
		    offsetof(struct ip6_hdr, ip6_src),
		    2 * sizeof(struct in6_addr), 0);
	else
		sum = pkt_sum(f + pl->pl_l3off + offsetof(struct ip, ip_src),
		    2 * sizeof(struct in_addr), 0);
	sum += pl->pl_proto;
	sum += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
	return (sum);
}

void
pkt_ip4_csum(uint8_t *f, size_t len, unsigned int l3off)
{
	unsigned int hl;
	uint16_t c;

	if ((size_t)l3off + sizeof(struct ip) > len)
		return;
	hl = (unsigned int)(f[l3off] & 0x0f) * 4;
	if (hl < sizeof(struct ip) || (size_t)l3off + hl > len)
		return;
	f[l3off + offsetof(struct ip, ip_sum)] = 0;
	f[l3off + offsetof(struct ip, ip_sum) + 1] = 0;
	c = (uint16_t)~pkt_fold(pkt_sum(f + l3off, hl, 0));
	f[l3off + offsetof(struct ip, ip_sum)] = (uint8_t)(c >> 8);
	f[l3off + offsetof(struct ip, ip_sum) + 1] = (uint8_t)c;
}

int
pkt_csum_ok(const uint8_t *f, size_t len)
{
	struct pkt_l4 pl;
	size_t end;

	if (pkt_l4(f, len, &pl) == -1 || pkt_ip_end(f, len, &pl, &end) == -1)
		return (-1);
	if (!pl.pl_v6 && pkt_fold(pkt_sum(f + pl.pl_l3off,
	    (size_t)(f[pl.pl_l3off] & 0x0f) * 4, 0)) != 0xffff)
		return (0);
	/* RFC 768: an IPv4 UDP checksum of 0 means none was computed. */
	if (pl.pl_proto == IPPROTO_UDP && !pl.pl_v6 &&
	    pkt_be16(f + pl.pl_l4off + pl.pl_csumoff) == 0)
		return (1);
	return (pkt_fold(pkt_sum(f + pl.pl_l4off, end - pl.pl_l4off,
	    pkt_pseudo(f, &pl, end - pl.pl_l4off))) == 0xffff);
}
