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
 * Unit test of the software offloads (soft.h) on random frames: IPv4
 * and IPv6, with and without a VLAN tag, IPv4 and TCP options, payloads
 * from none to 64 KiB.  Every frame soft_tx or soft_gso_next makes must
 * pass pkt_csum_ok, the segments must carry the payload in order with
 * the right sequence numbers, lengths, IPv4 identifications and flags;
 * soft_rx_csum must complete a partial checksum and leave a right or a
 * merely corrupted one alone; frames the offloads cannot take are
 * refused with EINVAL.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkt.h"
#include "soft.h"
#include "../../daemon/xennetd.h"
#include "../tap.h"

#define FRAME_MAX	(65536 + 64)
#define ROUNDS		400
#define TCP		6
#define UDP		17

/* What mk_frame built. */
struct frame {
	uint8_t		*f;
	size_t		 len;
	unsigned int	 l3, l4, hlen;	/* offsets; hlen: payload */
	int		 v6;
	uint8_t		 proto;
};

/* The segments soft_tx passed to its output, checked as they come. */
struct sink {
	const struct frame *fr;
	unsigned int	 mss;
	unsigned int	 n;
	size_t		 pay;		/* payload octets seen so far */
	int		 bad;		/* first failure, 0 if none */
	int		 fail_at;	/* out() returns -1 for this one */
};

static uint8_t	 big[FRAME_MAX], seg[FRAME_MAX], copy[FRAME_MAX];

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)get16(p) << 16 | get16(p + 2));
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * mk_frame: a random TCP (or UDP) frame of pay payload octets into
 * fr->f: random addresses and ports, a VLAN tag or not, IPv4 options
 * or not, TCP options or not; its L4 checksum field left partial (the
 * pseudo-header sum) as a sender with checksum offload leaves it.
 */
static void
mk_frame(struct frame *fr, int v6, uint8_t proto, size_t pay)
{
	uint8_t *f = fr->f;
	unsigned int off = 12, ihl, thl, l4len, i;
	struct pkt_l4 pl;

	for (i = 0; i < 12; i++)
		f[i] = (uint8_t)random();
	f[0] &= 0xfe;
	if (random() % 3 == 0) {
		put16(f + off, 0x8100);
		put16(f + off + 2, (uint16_t)(random() & 0x0fff));
		off += 4;
	}
	put16(f + off, v6 ? 0x86dd : 0x0800);
	off += 2;
	fr->l3 = off;
	thl = proto == TCP ? 20 + 4 * (unsigned int)(random() % 11) : 8;
	l4len = thl + (unsigned int)pay;
	if (v6) {
		memset(f + off, 0, 40);
		f[off] = 0x60;
		put16(f + off + 4, (uint16_t)l4len);
		f[off + 6] = proto;
		f[off + 7] = 64;
		for (i = 8; i < 40; i++)
			f[off + i] = (uint8_t)random();
		off += 40;
	} else {
		ihl = 5 + (unsigned int)(random() % 3);
		memset(f + off, 0, ihl * 4);
		f[off] = (uint8_t)(0x40 | ihl);
		put16(f + off + 2, (uint16_t)(ihl * 4 + l4len));
		put16(f + off + 4, (uint16_t)random());
		f[off + 6] = 0x40;	/* DF */
		f[off + 8] = 64;
		f[off + 9] = proto;
		for (i = 12; i < 20; i++)
			f[off + i] = (uint8_t)random();
		for (i = 20; i < ihl * 4; i++)
			f[off + i] = 1;	/* NOP options */
		pkt_ip4_csum(f, off + ihl * 4, off);
		off += ihl * 4;
	}
	fr->l4 = off;
	for (i = 0; i < thl; i++)
		f[off + i] = (uint8_t)random();
	if (proto == TCP) {
		f[off + 12] = (uint8_t)((thl / 4) << 4);
		f[off + 13] = 0x80 | 0x18 | 0x01;	/* CWR PSH ACK FIN */
		for (i = 20; i < thl; i++)
			f[off + i] = 1;
	} else
		put16(f + off + 4, (uint16_t)l4len);
	fr->hlen = off + thl;
	for (i = 0; i < pay; i++)
		f[fr->hlen + i] = (uint8_t)random();
	fr->len = fr->hlen + pay;
	fr->v6 = v6;
	fr->proto = proto;
	if (pkt_l4(f, fr->len, &pl) == 0)
		put16(f + off + pl.pl_csumoff,
		    pkt_fold(pkt_pseudo(f, &pl, l4len)));
}

/* sink_out: soft_tx's output: check one segment against the frame. */
static int
sink_out(void *arg, const uint8_t *s, size_t len)
{
	struct sink *k = arg;
	const struct frame *fr = k->fr;
	size_t pay = len - fr->hlen;
	unsigned int i = k->n++;
	int last;
	uint8_t fl;

	if (k->fail_at >= 0 && (int)i == k->fail_at) {
		errno = EPIPE;
		return (-1);
	}
	if (k->bad)
		return (0);
	last = k->pay + pay == fr->len - fr->hlen;
	fl = s[fr->l4 + 13];
	if (len < fr->hlen || pay > k->mss || (!last && pay != k->mss))
		k->bad = 1;
	else if (pkt_csum_ok(s, len) != 1)
		k->bad = 2;
	else if (memcmp(s, fr->f, fr->l3) != 0)
		k->bad = 3;
	else if (memcmp(s + fr->hlen, fr->f + fr->hlen + k->pay, pay) != 0)
		k->bad = 4;
	else if (get32(s + fr->l4 + 4) != get32(fr->f + fr->l4 + 4) +
	    (uint32_t)k->pay)
		k->bad = 5;
	else if (!fr->v6 && get16(s + fr->l3 + 4) !=
	    (uint16_t)(get16(fr->f + fr->l3 + 4) + i))
		k->bad = 6;
	else if (fr->proto == TCP && (((fl & 0x09) != 0) != last ||
	    ((fl & 0x80) != 0) != (i == 0)))
		k->bad = 7;
	else if (fr->v6 ? get16(s + fr->l3 + 4) != len - fr->l3 - 40 :
	    get16(s + fr->l3 + 2) != len - fr->l3)
		k->bad = 8;
	k->pay += pay;
	return (0);
}

/* t_csum_tx: NEEDS_CSUM frames come out right, for TCP and UDP. */
static void
t_csum_tx(void)
{
	struct frame fr = { .f = big };
	struct xn_vnet_hdr vh;
	struct sink k;
	struct pkt_l4 pl;
	int i, good = 0, n = 0, was_bad = 0;

	for (i = 0; i < ROUNDS; i++) {
		mk_frame(&fr, i & 1, (i & 2) ? UDP : TCP,
		    (size_t)random() % (i % 10 == 0 ? 65000 : 1500));
		if (pkt_csum_ok(fr.f, fr.len) == 0)
			was_bad++;
		pkt_l4(fr.f, fr.len, &pl);
		memset(&vh, 0, sizeof(vh));
		vh.vh_flags = XN_VNET_F_NEEDS_CSUM;
		vh.vh_csum_start = (uint16_t)pl.pl_l4off;
		vh.vh_csum_offset = (uint16_t)pl.pl_csumoff;
		memset(&k, 0, sizeof(k));
		k.fr = &fr;
		k.mss = 65536;
		k.fail_at = -1;
		n = soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k);
		if (n == 1 && k.n == 1 && k.bad == 0)
			good++;
	}
	ok(was_bad > ROUNDS * 9 / 10, "partial checksums fail "
	    "pkt_csum_ok before: %d of %d", was_bad, ROUNDS);
	ok(good == ROUNDS, "soft_tx completes partial checksums: %d of %d "
	    "frames pass pkt_csum_ok", good, ROUNDS);
	vh.vh_csum_start = (uint16_t)(fr.len - 1);
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "a checksum field past the frame: EINVAL");
}

/* t_gso: GSO frames cut into right segments, both IP versions. */
static void
t_gso(void)
{
	struct frame fr = { .f = big };
	struct xn_vnet_hdr vh;
	struct sink k;
	int i, n, good = 0, segs = 0;
	size_t pay;

	for (i = 0; i < ROUNDS; i++) {
		pay = (size_t)random() % (65535 - 200);
		if (i % 7 == 0)
			pay = (size_t)random() % 3;
		mk_frame(&fr, i & 1, TCP, pay);
		memset(&vh, 0, sizeof(vh));
		vh.vh_flags = XN_VNET_F_NEEDS_CSUM;
		vh.vh_gso_type = (i & 1) ? XN_VNET_GSO_TCPV6 :
		    XN_VNET_GSO_TCPV4;
		if (i % 5 == 0)
			vh.vh_gso_type |= XN_VNET_GSO_ECN;
		vh.vh_gso_size = (uint16_t)(536 + random() % 8500);
		memset(&k, 0, sizeof(k));
		k.fr = &fr;
		k.mss = vh.vh_gso_size;
		k.fail_at = -1;
		n = soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k);
		if (k.bad != 0)
			diag("round %d: segment check %d failed", i, k.bad);
		if (n > 0 && (unsigned int)n == k.n && k.bad == 0 &&
		    k.pay == pay && (unsigned int)n == (pay == 0 ? 1 :
		    (pay + k.mss - 1) / k.mss))
			good++;
		segs += n > 0 ? n : 0;
	}
	ok(good == ROUNDS, "soft_tx segments GSO frames: %d of %d right "
	    "(%d segments checked)", good, ROUNDS, segs);

	/* what it refuses */
	mk_frame(&fr, 0, TCP, 3000);
	vh.vh_gso_type = XN_VNET_GSO_TCPV6;
	vh.vh_gso_size = 1000;
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "GSO type TCPv6 on an IPv4 frame: EINVAL");
	vh.vh_gso_type = XN_VNET_GSO_UDP;
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "GSO type UDP: EINVAL");
	vh.vh_gso_type = XN_VNET_GSO_TCPV4;
	vh.vh_gso_size = 0;
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "gso_size 0: EINVAL");
	vh.vh_gso_size = 10;
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "more than %d segments: EINVAL",
	    SOFT_GSO_MAX_SEGS);
	mk_frame(&fr, 0, UDP, 3000);
	vh.vh_gso_size = 1000;
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "GSO TCPv4 on a UDP frame: EINVAL");
	mk_frame(&fr, 0, TCP, 3000);
	put16(fr.f + fr.l3 + 2, (uint16_t)(fr.len - fr.l3 + 1));
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EINVAL, "IPv4 total length past the frame: EINVAL");
	mk_frame(&fr, 1, TCP, 3000);
	vh.vh_gso_type = XN_VNET_GSO_TCPV6;
	ok(soft_tx(fr.f, fr.len, &vh, seg, 100, sink_out, &k) == -1 &&
	    errno == ENOBUFS, "a scratch buffer too small: ENOBUFS");
	memset(&k, 0, sizeof(k));
	k.fr = &fr;
	k.mss = 1000;
	k.fail_at = 1;
	ok(soft_tx(fr.f, fr.len, &vh, seg, sizeof(seg), sink_out, &k) == -1 &&
	    errno == EPIPE && k.n == 2, "stops at the output's first failure");
}

/* t_gso_mtu: soft_gso_start by MTU, as the bpf port cuts GRO frames. */
static void
t_gso_mtu(void)
{
	struct frame fr = { .f = big };
	struct soft_gso sg;
	ssize_t n;
	int i, good = 0, nseg;
	unsigned int mtu, maxlen;

	for (i = 0; i < ROUNDS / 4; i++) {
		mk_frame(&fr, i & 1, TCP, 9000 + (size_t)random() % 56000);
		/* Ethernet padding after the IP packet is not payload */
		memset(fr.f + fr.len, 0xee, 6);
		mtu = (i & 2) ? 1500 : 9000;
		nseg = soft_gso_start(&sg, fr.f, fr.len + 6, 0, mtu);
		maxlen = 0;
		while ((n = soft_gso_next(&sg, seg, sizeof(seg))) > 0) {
			if (pkt_csum_ok(seg, (size_t)n) != 1)
				break;
			if ((unsigned int)n - fr.l3 > maxlen)
				maxlen = (unsigned int)n - fr.l3;
		}
		if (nseg > 1 && n == 0 && maxlen == mtu &&
		    sg.sg_seg == (unsigned int)nseg)
			good++;
	}
	ok(good == ROUNDS / 4, "cut by MTU: %d of %d frames in full-sized "
	    "IP packets with right checksums", good, ROUNDS / 4);
	mk_frame(&fr, 0, TCP, 100);
	ok(soft_gso_start(&sg, fr.f, fr.len, 0, 40) == -1 && errno == EINVAL,
	    "an MTU smaller than the headers: EINVAL");
	ok(soft_gso_start(&sg, fr.f, fr.len, 0, 1500) == 1,
	    "a frame within the MTU: one segment");
}

/* t_rx_csum: partial checksums completed, others left alone. */
static void
t_rx_csum(void)
{
	struct frame fr = { .f = big };
	int i, fixed = 0, kept = 0, corrupt = 0;
	size_t pay;

	for (i = 0; i < ROUNDS; i++) {
		pay = (size_t)random() % 1500;
		mk_frame(&fr, i & 1, (i & 2) ? UDP : TCP, pay);
		/* short frames are padded to 60 octets on the wire */
		while (fr.len < 60)
			fr.f[fr.len++] = 0;
		if (soft_rx_csum(fr.f, fr.len) == 1 &&
		    pkt_csum_ok(fr.f, fr.len) == 1)
			fixed++;
		memcpy(copy, fr.f, fr.len);
		if (soft_rx_csum(fr.f, fr.len) == 0 &&
		    memcmp(copy, fr.f, fr.len) == 0)
			kept++;
		if (pay > 0) {
			fr.f[fr.hlen + (size_t)random() % pay] ^= 0x10;
			if (soft_rx_csum(fr.f, fr.len) == 0 &&
			    pkt_csum_ok(fr.f, fr.len) == 0)
				corrupt++;
		} else
			corrupt++;
	}
	ok(fixed == ROUNDS, "soft_rx_csum completes partial checksums, "
	    "padded frames too: %d of %d", fixed, ROUNDS);
	ok(kept == ROUNDS, "and leaves right ones alone: %d of %d", kept,
	    ROUNDS);
	ok(corrupt == ROUNDS, "and corrupted ones too (pkt_csum_ok still "
	    "fails): %d of %d", corrupt, ROUNDS);
	memset(big, 0, 60);
	ok(soft_rx_csum(big, 60) == 0 && pkt_csum_ok(big, 60) == -1,
	    "a frame that is not IP: nothing done, pkt_csum_ok -1");
}

/*
 * t_portio: the same offloads through the tap port of a host whose taps
 * have no vnet header (the BSDs: osdep_tap_vnet 0), the very functions
 * that run there (portio.c), with one end of a SOCK_SEQPACKET socketpair
 * as the tap: a frame per message, as a tap has it.
 */
static void
t_portio(void)
{
	struct frame fr = { .f = big };
	struct xn_vnet_hdr vh, zero;
	struct iovec iov[2];
	enum portio_mode mode = PORTIO_URING;
	const struct ring_port *rp;
	struct portio *pi;
	size_t pay = 0;
	unsigned int n = 0, bad = 0;
	uint8_t *buf;
	ssize_t r;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) ==
	    -1) {
		ok(0, "socketpair: %s", strerror(errno));
		return;
	}
	pi = portio_open(sv[0], &mode, 4, 0);
	ok(pi != NULL && mode == PORTIO_SYSCALL, "a tap without vnet "
	    "header: read and write, though io_uring was asked for");
	if (pi == NULL)
		return;
	rp = portio_port(pi);

	/* guest to host: a blank checksum completed, no header written */
	mk_frame(&fr, 0, TCP, 1000);
	memset(&vh, 0, sizeof(vh));
	vh.vh_flags = XN_VNET_F_NEEDS_CSUM;
	vh.vh_csum_start = (uint16_t)fr.l4;
	vh.vh_csum_offset = 16;		/* RFC 9293 3.1: TCP checksum */
	memcpy(copy, fr.f, fr.len);
	iov[0].iov_base = &vh;
	iov[0].iov_len = sizeof(vh);
	iov[1].iov_base = fr.f;
	iov[1].iov_len = fr.len;
	ok(rp->rp_send(rp->rp_arg, iov, 2) == 0, "rp_send: a frame with a "
	    "blank checksum");
	r = recv(sv[1], seg, sizeof(seg), 0);
	ok(r == (ssize_t)fr.len && pkt_csum_ok(seg, (size_t)r) == 1 &&
	    memcmp(seg, copy, fr.l4 + 16) == 0, "it reaches the tap as it "
	    "was, its checksum completed (%zd octets of %zu)", r, fr.len);

	/* guest to host: a GSO frame cut into segments */
	mk_frame(&fr, 1, TCP, 20000);
	vh.vh_gso_type = XN_VNET_GSO_TCPV6;
	vh.vh_gso_size = 1400;
	vh.vh_csum_start = (uint16_t)fr.l4;
	iov[1].iov_base = fr.f;
	iov[1].iov_len = fr.len;
	ok(rp->rp_send(rp->rp_arg, iov, 2) == 0, "rp_send: a TCPv6 GSO "
	    "frame of 20000 octets of payload, gso_size 1400");
	while ((r = recv(sv[1], seg, sizeof(seg), 0)) > 0) {
		n++;
		if ((size_t)r < fr.hlen || (size_t)r > fr.hlen + 1400 ||
		    pkt_csum_ok(seg, (size_t)r) != 1)
			bad++;
		else
			pay += (size_t)r - fr.hlen;
	}
	ok(n == 15 && bad == 0 && pay == 20000, "it reaches the tap as 15 "
	    "complete segments of 1400 octets at most (%u, %u bad, %zu "
	    "octets)", n, bad, pay);

	/* what the port cannot send is an error, counted */
	ok(rp->rp_send(rp->rp_arg, iov, 1) == -1 && errno == EINVAL &&
	    portio_stats(pi)->ps_tx_errors == 1, "rp_send without the "
	    "header: EINVAL, a tx error");

	/* host to guest: the frame behind a zeroed vnet header */
	mk_frame(&fr, 0, UDP, 300);
	ok(send(sv[1], fr.f, fr.len, 0) == (ssize_t)fr.len, "the host "
	    "sends a UDP frame");
	memset(&zero, 0, sizeof(zero));
	r = rp->rp_peek(rp->rp_arg, &buf);
	ok(r == (ssize_t)(sizeof(vh) + fr.len) &&
	    memcmp(buf, &zero, sizeof(zero)) == 0 &&
	    memcmp(buf + sizeof(vh), fr.f, fr.len) == 0, "rp_peek: it, "
	    "after a vnet header that asks nothing of the guest");
	rp->rp_take(rp->rp_arg);
	rp->rp_release(rp->rp_arg);
	ok(rp->rp_peek(rp->rp_arg, &buf) == 0, "then nothing");
	ok(portio_stats(pi)->ps_rx_frames == 1, "one frame counted");
	portio_close(pi);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	srandom(20261202);
	t_csum_tx();
	t_gso();
	t_gso_mtu();
	t_rx_csum();
	t_portio();
	return (done_testing());
}
