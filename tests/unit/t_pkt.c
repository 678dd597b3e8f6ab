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
 * Unit test of the packet helpers (pkt.h) on hand-built frames: header
 * offsets with and without a VLAN tag, IPv4 options and IPv6 extension
 * headers, the frames pkt_l4 refuses, TCP header lengths, and checksums
 * against values worked out by hand (RFC 1071's example among them).
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pkt.h"
#include "../tap.h"

#define TCP	6
#define UDP	17
#define HOPOPT	0

static size_t	 mk_eth(uint8_t *, uint16_t, uint16_t);
static size_t	 mk_ip4(uint8_t *, size_t, unsigned int, uint8_t, uint16_t,
		    size_t);
static size_t	 mk_ip6(uint8_t *, size_t, uint8_t, size_t);
static int	 l4_is(const uint8_t *, size_t, unsigned int, unsigned int,
		    unsigned int, uint8_t, uint8_t);
static int	 l4_fails(const uint8_t *, size_t);
static void	 t_l4(void);
static void	 t_l4_refused(void);
static void	 t_tcp_hlen(void);
static void	 t_csum(void);

/*
 * Ethernet header with ethertype et, behind a tag for VLAN 5 with TPID
 * tpid unless that is 0; returns its length.
 */
static size_t
mk_eth(uint8_t *f, uint16_t tpid, uint16_t et)
{
	size_t off = 12;

	memset(f, 0, 12);
	f[0] = 0x02;		/* locally administered addresses */
	f[6] = 0x02;
	if (tpid != 0) {
		f[off++] = (uint8_t)(tpid >> 8);
		f[off++] = (uint8_t)tpid;
		f[off++] = 0x00;
		f[off++] = 0x05;
	}
	f[off++] = (uint8_t)(et >> 8);
	f[off++] = (uint8_t)et;
	return (off);
}

/*
 * IPv4 header at f[off], ihl 32-bit words, protocol proto, flags and
 * fragment offset frag, then pay octets of zeros; the frame's length.
 */
static size_t
mk_ip4(uint8_t *f, size_t off, unsigned int ihl, uint8_t proto,
    uint16_t frag, size_t pay)
{
	memset(f + off, 0, ihl * 4 + pay);
	f[off] = (uint8_t)(0x40 | ihl);
	f[off + 6] = (uint8_t)(frag >> 8);
	f[off + 7] = (uint8_t)frag;
	f[off + 8] = 64;
	f[off + 9] = proto;
	return (off + ihl * 4 + pay);
}

/* IPv6 header at f[off], next header next, pay octets of zeros. */
static size_t
mk_ip6(uint8_t *f, size_t off, uint8_t next, size_t pay)
{
	memset(f + off, 0, 40 + pay);
	f[off] = 0x60;
	f[off + 6] = next;
	f[off + 7] = 64;
	return (off + 40 + pay);
}

/* 1 if pkt_l4 finds exactly these offsets, protocol and family. */
static int
l4_is(const uint8_t *f, size_t len, unsigned int l3, unsigned int l4,
    unsigned int csum, uint8_t proto, uint8_t v6)
{
	struct pkt_l4 pl;

	if (pkt_l4(f, len, &pl) == -1)
		return (0);
	return (pl.pl_l3off == l3 && pl.pl_l4off == l4 &&
	    pl.pl_csumoff == csum && pl.pl_proto == proto && pl.pl_v6 == v6);
}

/* 1 if pkt_l4 refuses the frame and leaves its result alone. */
static int
l4_fails(const uint8_t *f, size_t len)
{
	struct pkt_l4 pl, before;

	memset(&pl, 0xa5, sizeof(pl));
	before = pl;
	return (pkt_l4(f, len, &pl) == -1 &&
	    memcmp(&pl, &before, sizeof(pl)) == 0);
}

/* pkt_l4 finds the TCP/UDP header behind VLAN tags, options, extensions. */
static void
t_l4(void)
{
	uint8_t f[256];
	size_t len;

	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 5, TCP, 0, 20);
	ok(len == 54 && l4_is(f, len, 14, 34, 16, TCP, 0),
	    "l4: TCP/IPv4: IP at 14, TCP at 34, checksum at +16");
	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 6, UDP, 0x4000, 8);
	ok(l4_is(f, len, 14, 38, 6, UDP, 0),
	    "l4: UDP/IPv4 with 4 octets of options and DF: UDP at 38, "
	    "checksum at +6");
	len = mk_ip4(f, mk_eth(f, 0x8100, 0x0800), 5, TCP, 0, 20);
	ok(l4_is(f, len, 18, 38, 16, TCP, 0),
	    "l4: an 802.1Q tag moves IP to 18 and TCP to 38");
	len = mk_ip4(f, mk_eth(f, 0x88a8, 0x0800), 5, TCP, 0, 20);
	ok(l4_is(f, len, 18, 38, 16, TCP, 0),
	    "l4: so does an 802.1ad service tag");
	len = mk_ip4(f, mk_eth(f, 0x9100, 0x0800), 5, TCP, 0, 20);
	ok(l4_fails(f, len), "l4 refused: a tag with any other TPID");
	len = mk_ip6(f, mk_eth(f, 0x8100, 0x86dd), UDP, 8);
	ok(l4_is(f, len, 18, 58, 6, UDP, 1),
	    "l4: tagged UDP/IPv6: IP at 18, UDP at 58");
	/* hop-by-hop (8 octets) then destination options (16) then TCP */
	len = mk_ip6(f, mk_eth(f, 0, 0x86dd), HOPOPT, 8 + 16 + 20);
	f[54] = 60;
	f[55] = 0;
	f[62] = TCP;
	f[63] = 1;
	ok(l4_is(f, len, 14, 78, 16, TCP, 1),
	    "l4: IPv6 hop-by-hop and destination options are skipped: TCP "
	    "at 78");
}

/* pkt_l4 refuses what has no usable TCP/UDP header, and runts. */
static void
t_l4_refused(void)
{
	uint8_t f[256];
	size_t len;
	unsigned int i;

	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 5, TCP, 0, 20);
	ok(l4_fails(f, len - 1),
	    "l4 refused: a TCP header one octet short");
	for (i = 0; i < 14 && l4_fails(f, i); i++)
		;
	ok(i == 14, "l4 refused: frames of 0..13 octets");
	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 5, TCP, 0x2000, 20);
	ok(l4_fails(f, len), "l4 refused: an IPv4 first fragment (MF)");
	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 5, TCP, 0x0001, 20);
	ok(l4_fails(f, len), "l4 refused: an IPv4 later fragment (offset 8)");
	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 4, TCP, 0, 24);
	ok(l4_fails(f, len), "l4 refused: an IPv4 header length of 16");
	len = mk_ip4(f, mk_eth(f, 0, 0x0800), 5, 1, 0, 20);
	ok(l4_fails(f, len), "l4 refused: ICMP");
	len = mk_ip4(f, mk_eth(f, 0, 0x0806), 5, TCP, 0, 20);
	ok(l4_fails(f, len), "l4 refused: ethertype ARP");
	len = mk_ip6(f, mk_eth(f, 0, 0x0800), TCP, 20);
	ok(l4_fails(f, len), "l4 refused: IPv6 under the IPv4 ethertype");
	len = mk_ip6(f, mk_eth(f, 0, 0x86dd), HOPOPT, 8 + 20);
	f[54] = 60;		/* destination options follow... */
	f[55] = 4;		/* ...after 40 octets: past the frame */
	ok(l4_fails(f, len),
	    "l4 refused: IPv6 extension headers that run past the frame");
}

/* pkt_tcp_hlen reads the data offset and checks it against the frame. */
static void
t_tcp_hlen(void)
{
	uint8_t f[128];

	memset(f, 0, sizeof(f));
	f[34 + 12] = 0x50;
	ok(pkt_tcp_hlen(f, 54, 34) == 20, "tcp hlen: data offset 5 is 20");
	f[34 + 12] = 0x80;
	ok(pkt_tcp_hlen(f, 66, 34) == 32 && pkt_tcp_hlen(f, 65, 34) == -1,
	    "tcp hlen: data offset 8 is 32, -1 if the options are cut");
	f[34 + 12] = 0x40;
	ok(pkt_tcp_hlen(f, 66, 34) == -1,
	    "tcp hlen: data offset 4 (below the minimum) is -1");
	f[34 + 12] = 0x50;
	ok(pkt_tcp_hlen(f, 53, 34) == -1,
	    "tcp hlen: -1 when not even 20 octets are there");
}

/* pkt_csum_complete writes the ones' complement of the sum it finds. */
static void
t_csum(void)
{
	/* RFC 1071 1.4: sum 0xddf2, checksum 0x220d. */
	uint8_t r[10] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t f[32], g[32];

	pkt_csum_complete(r, sizeof(r), 0, 8);
	ok(r[8] == 0x22 && r[9] == 0x0d,
	    "csum: RFC 1071's example gives 0x220d (got 0x%02x%02x)", r[8],
	    r[9]);

	/* The field's partial sum counts: 0x1234 + 0x0100 -> ~0x1334. */
	memset(f, 0, sizeof(f));
	f[4] = 0x01;
	f[8] = 0x12;
	f[9] = 0x34;
	pkt_csum_complete(f, 12, 2, 6);
	ok(f[8] == 0xec && f[9] == 0xcb && f[4] == 0x01,
	    "csum: the pseudo-header sum in the field is included: 0xeccb");

	/* Odd length: the last octet is the high half of a word. */
	memset(f, 0, sizeof(f));
	f[2] = 0x01;
	pkt_csum_complete(f, 3, 0, 0);
	ok(f[0] == 0xfe && f[1] == 0xff,
	    "csum: an odd last octet is padded with zero: 0xfeff");

	/* A sum of 0xffff: UDP sends 0xffff, TCP 0. */
	memset(f, 0, sizeof(f));
	f[0] = 0xff;
	f[1] = 0xff;
	pkt_csum_complete(f, 8, 0, 6);
	ok(f[6] == 0xff && f[7] == 0xff,
	    "csum: a UDP checksum of 0 is sent as 0xffff");
	memset(f, 0, sizeof(f));
	f[0] = 0xff;
	f[1] = 0xfe;
	f[17] = 0x01;		/* partial sum 1: 0xfffe + 1 */
	pkt_csum_complete(f, 18, 0, 16);
	ok(f[16] == 0 && f[17] == 0, "csum: a TCP checksum of 0 is sent as 0");

	/* Carries fold back in: 0xffff + 0x0002 -> 0x0002, ~ = 0xfffd. */
	memset(f, 0, sizeof(f));
	f[0] = 0xff;
	f[1] = 0xff;
	f[3] = 0x02;
	pkt_csum_complete(f, 20, 0, 16);
	ok(f[16] == 0xff && f[17] == 0xfd,
	    "csum: the end-around carry is added back: 0xfffd");

	memset(f, 0x11, sizeof(f));
	memcpy(g, f, sizeof(f));
	pkt_csum_complete(f, 20, 20, 0);
	pkt_csum_complete(f, 20, 4, 15);
	ok(memcmp(f, g, sizeof(f)) == 0,
	    "csum: a field outside the frame is left alone, nothing written");
}

int
main(void)
{
	t_l4();
	t_l4_refused();
	t_tcp_hlen();
	t_csum();
	return (done_testing());
}
