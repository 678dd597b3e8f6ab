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
 * Ethernet frames as the checksum and segmentation offloads see them:
 * the vnet header that carries the offloads beside a frame, where the
 * TCP/UDP header is, how long a TCP header is, finishing a partial
 * checksum.  Used by the ring engine, its host ports and the
 * simulators, on frames that may come from a guest: every offset is
 * checked against the frame's length.
 */

#ifndef XENNET_PKT_H
#define XENNET_PKT_H

#include <stddef.h>
#include <stdint.h>

/*
 * IEEE 802.3: destination and source address, ethertype.  (ETH_HLEN and
 * ETHER_HDR_LEN say the same but live in different headers on Linux and
 * on each BSD.)
 */
#define PKT_ETH_HLEN		14
/* IEEE 802.1Q: one VLAN tag (TPID, TCI) between source and ethertype. */
#define PKT_VLAN_LEN		4

/* virtio_net_hdr as carried by a Linux tap with IFF_VNET_HDR (10 octets). */
struct xn_vnet_hdr {
	uint8_t		vh_flags;
#define XN_VNET_F_NEEDS_CSUM	1
#define XN_VNET_F_DATA_VALID	2
	uint8_t		vh_gso_type;
#define XN_VNET_GSO_NONE	0
#define XN_VNET_GSO_TCPV4	1
#define XN_VNET_GSO_UDP		3
#define XN_VNET_GSO_TCPV6	4
#define XN_VNET_GSO_ECN		0x80
	uint16_t	vh_hdr_len;
	uint16_t	vh_gso_size;
	uint16_t	vh_csum_start;
	uint16_t	vh_csum_offset;
} __attribute__((packed));

/* Where pkt_l4 found the headers of a frame; offsets from its start. */
struct pkt_l4 {
	unsigned int	pl_l3off;	/* IPv4 or IPv6 header */
	unsigned int	pl_l4off;	/* TCP or UDP header */
	unsigned int	pl_csumoff;	/* checksum field, from pl_l4off */
	uint8_t		pl_proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t		pl_v6;		/* 1: IPv6, 0: IPv4 */
};

/*
 * pkt_l3: find the IP header of the Ethernet frame f of len octets (at
 * most one VLAN tag skipped).  Returns 0 with its offset in *l3off and
 * *v6 1 for IPv6, 0 for IPv4; -1 if the frame is neither or too short
 * for the fixed IPv4 header its length field announces or for the
 * IPv6 header.
 */
int	pkt_l3(const uint8_t *f, size_t len, unsigned int *l3off, int *v6);

/*
 * pkt_l4: find the TCP or UDP header of the Ethernet frame f of len
 * octets (at most one VLAN tag, IPv6 hop-by-hop, routing and
 * destination options headers skipped).  Returns 0 and fills *pl; -1,
 * leaving *pl alone, if the frame is not IPv4/IPv6 TCP/UDP, is an IPv4
 * fragment, or is too short for the headers it announces.
 */
int	pkt_l4(const uint8_t *f, size_t len, struct pkt_l4 *pl);

/*
 * pkt_tcp_hlen: the length of the TCP header at f[off] (its data
 * offset), options included.  Returns -1 if that is below the 20-octet
 * minimum or the header does not fit in the len octets of f.
 */
int	pkt_tcp_hlen(const uint8_t *f, size_t len, unsigned int off);

/*
 * pkt_csum_complete: finish the partial checksum of a frame as a sender
 * with checksum offload leaves it (the field holds the pseudo-header
 * sum): the ones' complement sum of f[start..len) goes into the 16-bit
 * field at f[start + off].  A UDP checksum (off 6) that comes out 0 is
 * sent as 0xffff, 0 meaning "no checksum".  Does nothing if the field
 * is not inside the frame.
 */
void	pkt_csum_complete(uint8_t *f, size_t len, unsigned int start,
	    unsigned int off);

/*
 * pkt_sum: sum += the 16-bit big-endian words of p[0..len) (a last odd
 * octet padded with zero), not folded: the ones' complement sum of
 * RFC 1071 in 32 bits, to be continued or folded by pkt_fold.
 */
uint32_t pkt_sum(const uint8_t *p, size_t len, uint32_t sum);

/* pkt_fold: fold a pkt_sum into 16 bits (not complemented). */
uint16_t pkt_fold(uint32_t sum);

/*
 * pkt_ip_end: where the IP packet of frame f (pl from pkt_l4) ends, by
 * its IPv4 total length or IPv6 payload length: Ethernet padding after
 * it is not part of it.  0 with *end, or -1 if that length is past the
 * frame or before the L4 header.
 */
int	pkt_ip_end(const uint8_t *f, size_t len, const struct pkt_l4 *pl,
	    size_t *end);

/*
 * pkt_pseudo: the unfolded sum of the TCP/UDP pseudo-header of frame f
 * (pl from pkt_l4) for an L4 length of l4len octets.
 */
uint32_t pkt_pseudo(const uint8_t *f, const struct pkt_l4 *pl,
	    size_t l4len);

/*
 * pkt_ip4_csum: compute the header checksum of the IPv4 header at
 * f[l3off].  Does nothing if the header does not fit in len octets.
 */
void	pkt_ip4_csum(uint8_t *f, size_t len, unsigned int l3off);

/*
 * pkt_csum_ok: verify the checksums of frame f as a receiver would:
 * the IPv4 header's and the TCP/UDP one over the IP packet's length.
 * Returns 1 if they are right, 0 if not, -1 if f is not an IPv4/IPv6
 * TCP/UDP frame pkt_l4 and pkt_ip_end accept.
 */
int	pkt_csum_ok(const uint8_t *f, size_t len);

#endif /* XENNET_PKT_H */
