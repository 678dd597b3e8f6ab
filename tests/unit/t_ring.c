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
 * Unit test of the netif ring engine (lib/ring*.c) against rings built
 * by hand.  The test is the frontend: it owns a simulated guest (sim
 * provider, private run directory under /tmp), grants the two ring pages
 * and one data page per ring slot, writes requests straight into the
 * shared rings and reads the responses back.  The backend is a
 * ring_queue on a dom0 hv handle; its host port is a fake that records
 * the frames sent and serves queued frames to receive.  Every case
 * checks bytes, response ids/status/slots and the engine's counters,
 * and the batching cases also the hypercalls counted by the hv handle.
 */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv.h"
#include "ring.h"
#include "ring-private.h"	/* slot limits, req_cons, rq_error */
#include "toeplitz.h"
#include "xenring.h"
#include "../sim/simdom.h"
#include "../tap.h"
#include "rundir.h"

#define GUEST		7
#define NPAGES		1024
#define NSLOT		256		/* entries of either ring */
#define VH		sizeof(struct xn_vnet_hdr)

/* Guest frames: the two ring pages, one data page per tx and rx slot. */
#define FR_TXRING	0
#define FR_RXRING	1
#define FR_TXDATA	2
#define FR_RXDATA	(FR_TXDATA + NSLOT)
#define FR_SPARE	(FR_RXDATA + NSLOT)

#define FP_MAX		1024		/* frames a fake port holds */
#define POISON		0xee		/* unwritten rx buffer octets */

/* One frame kept by the fake port: vnet header + Ethernet frame. */
struct fframe {
	uint8_t		*ff_buf;
	size_t		 ff_len;
};

/* The fake host port. */
struct fport {
	struct fframe	 fp_sent[FP_MAX];	/* frames the vif sent */
	uintptr_t	 fp_base[FP_MAX];	/* where each frame was */
	unsigned int	 fp_nsent;
	struct fframe	 fp_q[FP_MAX];		/* frames to receive */
	unsigned int	 fp_qhead, fp_qtail;
	unsigned int	 fp_nrecv;		/* frames handed out */
	uint8_t		*fp_lent[FP_MAX];	/* taken, not released */
	unsigned int	 fp_nlent;
	unsigned int	 fp_nflush;		/* rp_flush calls */
	unsigned int	 fp_nrelease;		/* rp_release calls */
	int		 fp_flushfail;		/* rp_flush reports this */
	int		 fp_fail;		/* rp_send refuses */
	void		 (*fp_hook)(void *);	/* run by each rp_peek */
	void		*fp_hookarg;
};

/* One test vif: the frontend's view of both rings and the backend. */
struct tvif {
	struct ring_queue	*v_q;
	struct ring_stats	 v_st;		/* vst()'s snapshot */
	netif_tx_front_ring_t	 v_tx;
	netif_rx_front_ring_t	 v_rx;
	int			 v_gport_tx, v_gport_rx;	/* guest's */
	struct fport		 v_port;
	struct ring_port	 v_rp;
	int			 v_ok;		/* ring_connect worked */
};

/* A frontend refilling its rx ring from inside the backend's pass. */
struct refill {
	struct tvif	*rf_v;
	unsigned int	 rf_nrsp;	/* responses it consumed */
	unsigned int	 rf_bad;	/* of them wrong */
};

static char		 simdir[] = "/tmp/t_ring.XXXXXX";
static struct simdom	*gsd;
static struct hv	*bhv, *ghv;
static uint32_t		 txring_ref, rxring_ref, bad_ref;
static uint32_t		 txgref[NSLOT], rxgref[NSLOT];
static const struct ring_features feat_all = { 1, 1, 1, 1, 1, 1, 0 };
static const struct ring_features feat_nosg = { 0, 0, 0, 1, 0, 1, 0 };
/* frx_frame: the offset of each frame's first rx slot (xdp-headroom) */
static unsigned int	 frx_headroom;

static int	 setup(void);
static void	 fill(uint8_t *, size_t, unsigned int);
static uint32_t	 csum_add(uint32_t, const uint8_t *, size_t);
static uint16_t	 csum_fold(uint32_t);
static void	 put16(uint8_t *, uint16_t);
static size_t	 mk_tcp4(uint8_t *, size_t, unsigned int);
static size_t	 mk_udp6(uint8_t *, size_t, unsigned int);
static int	 udp6_csum_ok(const uint8_t *, size_t);
static int	 fp_send(void *, const struct iovec *, int);
static int	 fp_flush(void *);
static ssize_t	 fp_peek(void *, uint8_t **);
static void	 fp_take(void *);
static void	 fp_release(void *);
static void	 fp_reset(struct fport *);
static void	 fp_queue(struct fport *, const struct xn_vnet_hdr *,
		    const uint8_t *, size_t);
static int	 fp_sent_is(struct fport *, unsigned int, const uint8_t *,
		    size_t, struct xn_vnet_hdr *);
static struct tvif *vif_new(const struct ring_config *,
		    const struct ring_features *);
static struct tvif *vif_new_on(const struct ring_config *,
		    const struct ring_features *, uint32_t, uint32_t);
static void	 vif_free(struct tvif *);
static int	 guest_events(int);
static uint8_t	*txpage(RING_IDX);
static uint8_t	*rxpage(RING_IDX);
static uint16_t	 rxid(RING_IDX);
static RING_IDX	 ftx_raw(struct tvif *, uint32_t, uint16_t, uint16_t,
		    uint16_t, uint16_t);
static void	 ftx_extra(struct tvif *, const struct netif_extra_info *);
static unsigned int ftx_pkt(struct tvif *, const uint8_t *, size_t,
		    unsigned int, uint16_t, uint16_t, uint16_t,
		    const struct netif_extra_info *, unsigned int);
static int	 ftx_push(struct tvif *);
static unsigned int ftx_rsps(struct tvif *, netif_tx_response_t *,
		    unsigned int);
static void	 frx_post(struct tvif *, unsigned int);
static void	 frx_post_ref(struct tvif *, uint32_t);
static unsigned int frx_rsps(struct tvif *, netif_rx_response_t *,
		    RING_IDX *, unsigned int);
static int	 frx_frame(struct tvif *, RING_IDX *, uint8_t *, size_t *,
		    struct netif_extra_info *, unsigned int *);
static int	 run_passes(struct tvif *, int (*)(struct ring_queue *,
		    const struct ring_port *), unsigned int *);
static const struct ring_stats *vst(struct tvif *);
static int	 run_tx(struct tvif *, unsigned int *);
static int	 run_rx(struct tvif *, unsigned int *);
static int	 rsps_all(const netif_tx_response_t *, unsigned int,
		    uint16_t, int16_t);
static void	 t_config(void);
static void	 t_tx_basic(void);
static void	 t_tx_slots(void);
static void	 t_tx_fatal(void);
static void	 t_events(void);
static void	 t_tx_sizes(void);
static void	 t_tx_offload(void);
static void	 t_tx_extras(void);
static void	 t_tx_grant(void);
static void	 t_tx_wrap(void);
static void	 t_resync(void);
static void	 t_tx_incomplete(void);
static void	 t_tx_batch(void);
static void	 t_rate_credit(void);
static void	 t_tx_rate(void);
static void	 t_rx_basic(void);
static void	 t_rx_sg(void);
static void	 t_rx_offload(void);
static void	 t_rx_errors(void);
static void	 t_rx_batch(void);
static void	 t_rx_wrap(void);
static void	 refill_hook(void *);
static void	 bump_hook(void *);
static void	 t_rx_refill(void);
static void	 t_rx_few(void);
static void	 t_rx_headroom(void);
static void	 t_rx_carrier(void);
static int	 ftx_mcast(struct tvif *, uint8_t, const uint8_t *, uint16_t);
static int	 rx_to(struct tvif *, const uint8_t *);
static void	 t_mcast(void);
static void	 t_rx_hash(void);
static void	 t_rx_steer(void);

/* ---- housekeeping (the run directory: rundir.h) ---- */

/*
 * setup: the guest domain with its pages granted to dom0 (ring pages
 * and rx buffers writable, tx data read-only as netfront does), a ref
 * that is no longer granted, and both hv handles.  0 or -1.
 */
static int
setup(void)
{
	unsigned int i;
	int ref;

	if (rundir_guest(simdir, GUEST, NPAGES, &gsd, &bhv, &ghv) == -1)
		return (-1);
	if ((ref = simdom_grant(gsd, FR_TXRING, 0, 0)) == -1)
		return (-1);
	txring_ref = (uint32_t)ref;
	if ((ref = simdom_grant(gsd, FR_RXRING, 0, 0)) == -1)
		return (-1);
	rxring_ref = (uint32_t)ref;
	for (i = 0; i < NSLOT; i++) {
		if ((ref = simdom_grant(gsd, FR_TXDATA + i, 0, 1)) == -1)
			return (-1);
		txgref[i] = (uint32_t)ref;
		if ((ref = simdom_grant(gsd, FR_RXDATA + i, 0, 0)) == -1)
			return (-1);
		rxgref[i] = (uint32_t)ref;
	}
	if ((ref = simdom_grant(gsd, FR_SPARE, 0, 0)) == -1 ||
	    simdom_ungrant(gsd, (uint32_t)ref) == -1)
		return (-1);
	bad_ref = (uint32_t)ref;
	return (0);
}

/* ---- frames and checksums ---- */

static void
fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8) * 3);
}

/* Ones' complement sum of big-endian 16-bit words, not folded. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return (sum);
}

static uint16_t
csum_fold(uint32_t sum)
{

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}

static void
put16(uint8_t *p, uint16_t v)
{

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * mk_tcp4: Ethernet + IPv4 (20 octets, DF) + TCP (20 octets) + paylen
 * octets into f, the TCP checksum partial (pseudo-header sum) as a
 * sender with checksum offload leaves it.  Returns the frame length.
 */
static size_t
mk_tcp4(uint8_t *f, size_t paylen, unsigned int seed)
{
	uint8_t *ip = f + 14, *tcp = f + 34, ph[12];
	size_t tlen = 20 + paylen;

	memset(f, 0, 54);
	memcpy(f, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00\x01\x08\x00",
	    14);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + tlen));
	put16(ip + 4, (uint16_t)seed);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	put16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, 20)));
	put16(tcp, 40000);
	put16(tcp + 2, 5001);
	tcp[4] = (uint8_t)seed;
	tcp[12] = 0x50;
	tcp[13] = 0x10;
	put16(tcp + 14, 65535);
	fill(tcp + 20, paylen, seed);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)tlen);
	put16(tcp + 16, csum_fold(csum_add(0, ph, 12)));
	return (34 + tlen);
}

/*
 * mk_udp6: Ethernet + IPv6 + UDP + paylen octets into f, the UDP
 * checksum partial.  Returns the frame length.
 */
static size_t
mk_udp6(uint8_t *f, size_t paylen, unsigned int seed)
{
	uint8_t *ip = f + 14, *udp = f + 54, ph[40];
	size_t ulen = 8 + paylen;

	memset(f, 0, 62);
	memcpy(f, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00\x01\x86\xdd",
	    14);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)ulen);
	ip[6] = 17;
	ip[7] = 64;
	ip[8] = 0xfe;
	ip[9] = 0x80;
	ip[23] = 1;
	ip[24] = 0xfe;
	ip[25] = 0x80;
	ip[39] = 2;
	put16(udp, 5353);
	put16(udp + 2, 5354);
	put16(udp + 4, (uint16_t)ulen);
	fill(udp + 8, paylen, seed);
	memset(ph, 0, sizeof(ph));
	memcpy(ph, ip + 8, 32);
	put16(ph + 34, (uint16_t)ulen);
	ph[39] = 17;
	put16(udp + 6, csum_fold(csum_add(0, ph, 40)));
	return (54 + ulen);
}

/* 1 if the UDP/IPv6 frame of mk_udp6 carries a valid full checksum. */
static int
udp6_csum_ok(const uint8_t *f, size_t len)
{
	uint8_t ph[40];
	uint32_t sum;

	memset(ph, 0, sizeof(ph));
	memcpy(ph, f + 22, 32);
	put16(ph + 34, (uint16_t)(len - 54));
	ph[39] = 17;
	sum = csum_add(csum_add(0, ph, 40), f + 54, len - 54);
	return (csum_fold(sum) == 0xffff && (f[60] | f[61]) != 0);
}

/* ---- the fake host port ---- */

/* rp_send: keep a copy of the vnet header and frame. */
static int
fp_send(void *arg, const struct iovec *iov, int iovcnt)
{
	struct fport *fp = arg;
	struct fframe *ff;
	size_t len = 0, off = 0;
	int i;

	if (fp->fp_fail) {
		errno = ENOBUFS;
		return (-1);
	}
	if (fp->fp_nsent == FP_MAX) {
		errno = ENOSPC;
		return (-1);
	}
	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	ff = &fp->fp_sent[fp->fp_nsent];
	fp->fp_base[fp->fp_nsent] = (uintptr_t)iov[iovcnt - 1].iov_base;
	if ((ff->ff_buf = malloc(len)) == NULL)
		return (-1);
	for (i = 0; i < iovcnt; i++) {
		memcpy(ff->ff_buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	ff->ff_len = len;
	fp->fp_nsent++;
	return (0);
}

/* rp_flush: count the flushes (rp_send already kept the frames). */
static int
fp_flush(void *arg)
{
	struct fport *fp = arg;

	fp->fp_nflush++;
	return (fp->fp_flushfail);
}

/* rp_peek: the next queued frame, left queued; 0 when none. */
static ssize_t
fp_peek(void *arg, uint8_t **buf)
{
	struct fport *fp = arg;
	struct fframe *ff;

	if (fp->fp_hook != NULL)
		fp->fp_hook(fp->fp_hookarg);
	if (fp->fp_qhead == fp->fp_qtail)
		return (0);
	ff = &fp->fp_q[fp->fp_qhead];
	*buf = ff->ff_buf;
	return ((ssize_t)ff->ff_len);
}

/* rp_take: the peeked frame is lent to the engine until rp_release. */
static void
fp_take(void *arg)
{
	struct fport *fp = arg;
	struct fframe *ff;

	if (fp->fp_qhead == fp->fp_qtail || fp->fp_nlent == FP_MAX)
		abort();
	ff = &fp->fp_q[fp->fp_qhead++];
	fp->fp_lent[fp->fp_nlent++] = ff->ff_buf;
	ff->ff_buf = NULL;
	fp->fp_nrecv++;
}

/* rp_release: the engine's copies are done: free what it took. */
static void
fp_release(void *arg)
{
	struct fport *fp = arg;

	fp->fp_nrelease++;
	while (fp->fp_nlent > 0)
		free(fp->fp_lent[--fp->fp_nlent]);
}

static void
fp_reset(struct fport *fp)
{
	unsigned int i;

	for (i = 0; i < fp->fp_nsent; i++)
		free(fp->fp_sent[i].ff_buf);
	for (i = fp->fp_qhead; i < fp->fp_qtail; i++)
		free(fp->fp_q[i].ff_buf);
	for (i = 0; i < fp->fp_nlent; i++)
		free(fp->fp_lent[i]);
	memset(fp, 0, sizeof(*fp));
}

/* Queue one frame (vh NULL: zero header) for the vif to receive. */
static void
fp_queue(struct fport *fp, const struct xn_vnet_hdr *vh, const uint8_t *f,
    size_t len)
{
	struct fframe *ff;

	if (fp->fp_qtail == FP_MAX) {
		/* compact: the test never queues FP_MAX at once */
		memmove(fp->fp_q, fp->fp_q + fp->fp_qhead,
		    (fp->fp_qtail - fp->fp_qhead) * sizeof(fp->fp_q[0]));
		fp->fp_qtail -= fp->fp_qhead;
		fp->fp_qhead = 0;
	}
	ff = &fp->fp_q[fp->fp_qtail];
	if ((ff->ff_buf = calloc(1, VH + len)) == NULL)
		return;
	if (vh != NULL)
		memcpy(ff->ff_buf, vh, VH);
	memcpy(ff->ff_buf + VH, f, len);
	ff->ff_len = VH + len;
	fp->fp_qtail++;
}

/*
 * fp_sent_is: 1 if sent frame k is exactly f[0..len) (its vnet header
 * then in *vh, if vh is not NULL).
 */
static int
fp_sent_is(struct fport *fp, unsigned int k, const uint8_t *f, size_t len,
    struct xn_vnet_hdr *vh)
{
	struct fframe *ff;

	if (k >= fp->fp_nsent)
		return (0);
	ff = &fp->fp_sent[k];
	if (vh != NULL)
		memcpy(vh, ff->ff_buf, VH);
	return (ff->ff_len == VH + len && memcmp(ff->ff_buf + VH, f, len) == 0);
}

/* ---- the frontend ---- */

/*
 * vif_new: what netfront does at connect (fresh shared rings, two
 * unbound event channels for dom0), then ring_new + ring_connect.
 * Returns the vif; v_ok says whether the backend connected.
 */
static struct tvif *
vif_new(const struct ring_config *rc, const struct ring_features *rf)
{

	return (vif_new_on(rc, rf, FR_TXRING, FR_RXRING));
}

/* vif_new_on: vif_new on the ring pages of frames txfr, rxfr. */
static struct tvif *
vif_new_on(const struct ring_config *rc, const struct ring_features *rf,
    uint32_t txfr, uint32_t rxfr)
{
	netif_tx_sring_t *txs;
	netif_rx_sring_t *rxs;
	struct tvif *v;
	uint32_t txref = txring_ref, rxref = rxring_ref;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		abort();
	if (txfr != FR_TXRING) {
		txref = (uint32_t)simdom_grant(gsd, txfr, 0, 0);
		rxref = (uint32_t)simdom_grant(gsd, rxfr, 0, 0);
	}
	txs = simdom_page(gsd, txfr);
	rxs = simdom_page(gsd, rxfr);
	memset(txs, 0, XN_RING_PAGE);
	memset(rxs, 0, XN_RING_PAGE);
	SHARED_RING_INIT(txs);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&v->v_tx, txs, XN_RING_PAGE);
	FRONT_RING_INIT(&v->v_rx, rxs, XN_RING_PAGE);
	v->v_gport_tx = hv_evtchn_alloc_unbound(ghv, 0);
	v->v_gport_rx = hv_evtchn_alloc_unbound(ghv, 0);
	v->v_rp.rp_arg = &v->v_port;
	v->v_rp.rp_send = fp_send;
	v->v_rp.rp_flush = fp_flush;
	v->v_rp.rp_peek = fp_peek;
	v->v_rp.rp_take = fp_take;
	v->v_rp.rp_release = fp_release;
	if ((v->v_q = ring_new(bhv, GUEST, rc)) == NULL)
		abort();
	if (v->v_gport_tx == -1 || v->v_gport_rx == -1)
		return (v);
	if (ring_connect(v->v_q, txref, rxref,
	    (uint32_t)v->v_gport_tx, (uint32_t)v->v_gport_rx, rf) == 0)
		v->v_ok = 1;
	hv_counts_reset(bhv);
	return (v);
}

static void
vif_free(struct tvif *v)
{

	ring_free(v->v_q);
	if (v->v_gport_tx != -1)
		hv_evtchn_unbind(ghv, v->v_gport_tx);
	if (v->v_gport_rx != -1)
		hv_evtchn_unbind(ghv, v->v_gport_rx);
	fp_reset(&v->v_port);
	free(v);
}

/*
 * guest_events: take every event the guest has pending; returns how
 * many were on port (each one is unmasked again).
 */
static int
guest_events(int port)
{
	int p, n = 0, guard = 0;

	while ((p = hv_evtchn_pending(ghv)) != -1 && guard++ < 64) {
		if (p == port)
			n++;
		hv_evtchn_unmask(ghv, p);
	}
	return (n);
}

static uint8_t *
txpage(RING_IDX i)
{

	return (simdom_page(gsd, FR_TXDATA + (i % NSLOT)));
}

static uint8_t *
rxpage(RING_IDX i)
{

	return (simdom_page(gsd, FR_RXDATA + (i % NSLOT)));
}

/* The id the frontend gives the rx request at ring index i: scrambled. */
static uint16_t
rxid(RING_IDX i)
{

	return ((uint16_t)(i * 40503U + 17));
}

/* Write one tx request at the next free slot; returns its index. */
static RING_IDX
ftx_raw(struct tvif *v, uint32_t gref, uint16_t off, uint16_t flags,
    uint16_t id, uint16_t size)
{
	netif_tx_request_t *r;
	RING_IDX i = v->v_tx.req_prod_pvt++;

	r = RING_GET_REQUEST(&v->v_tx, i);
	memset(r, 0, sizeof(*r));
	r->gref = gref;
	r->offset = off;
	r->flags = flags;
	r->id = id;
	r->size = size;
	return (i);
}

/* Write one extra-info slot at the next free slot. */
static void
ftx_extra(struct tvif *v, const struct netif_extra_info *ex)
{
	netif_tx_request_t *r;

	r = RING_GET_REQUEST(&v->v_tx, v->v_tx.req_prod_pvt);
	v->v_tx.req_prod_pvt++;
	memset(r, 0, sizeof(*r));
	memcpy(r, ex, sizeof(*ex));
}

/*
 * ftx_pkt: write one packet of len octets as netfront does: nslots data
 * slots at page offset off (first slot size = total, the others an
 * equal share each), the nex extras after the first slot (chained with
 * FLAG_MORE), request ids id, id+1, ...  Returns the ring slots used.
 */
static unsigned int
ftx_pkt(struct tvif *v, const uint8_t *data, size_t len, unsigned int nslots,
    uint16_t off, uint16_t flags, uint16_t id,
    const struct netif_extra_info *ex, unsigned int nex)
{
	struct netif_extra_info e;
	size_t share = len / nslots, chunk, done = 0;
	unsigned int k, j;
	uint16_t fl;
	RING_IDX i;

	for (k = 0; k < nslots; k++) {
		chunk = k == 0 ? len - share * (nslots - 1) : share;
		i = v->v_tx.req_prod_pvt;
		memcpy(txpage(i) + off, data + done, chunk);
		done += chunk;
		fl = k == 0 ? flags : 0;
		if (k == 0 && nex > 0)
			fl |= NETTXF_extra_info;
		if (k + 1 < nslots)
			fl |= NETTXF_more_data;
		ftx_raw(v, txgref[i % NSLOT], off, fl, (uint16_t)(id + k),
		    (uint16_t)(k == 0 ? len : chunk));
		for (j = 0; k == 0 && j < nex; j++) {
			e = ex[j];
			e.flags = j + 1 < nex ? XEN_NETIF_EXTRA_FLAG_MORE : 0;
			ftx_extra(v, &e);
		}
	}
	return (nslots + nex);
}

/* Push the tx requests; returns 1 if the backend asked to be kicked. */
static int
ftx_push(struct tvif *v)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->v_tx, notify);
	return (notify);
}

/*
 * ftx_rsps: consume the tx responses (at most max into r[]) and re-arm
 * rsp_event as netfront does; returns how many were read.
 */
static unsigned int
ftx_rsps(struct tvif *v, netif_tx_response_t *r, unsigned int max)
{
	unsigned int n = 0;
	RING_IDX prod;
	int more;

	do {
		prod = v->v_tx.sring->rsp_prod;
		xen_rmb();
		while (v->v_tx.rsp_cons != prod) {
			if (n < max)
				r[n++] = *RING_GET_RESPONSE(&v->v_tx,
				    v->v_tx.rsp_cons);
			v->v_tx.rsp_cons++;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&v->v_tx, more);
	} while (more);
	return (n);
}

/*
 * Post n rx buffers (poisoned pages, each slot its own granted page)
 * with scrambled ids, and push.
 */
static void
frx_post(struct tvif *v, unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		frx_post_ref(v, rxgref[v->v_rx.req_prod_pvt % NSLOT]);
	RING_PUSH_REQUESTS(&v->v_rx);
}

/* Post one rx request naming gref (not pushed). */
static void
frx_post_ref(struct tvif *v, uint32_t gref)
{
	netif_rx_request_t *r;
	RING_IDX i = v->v_rx.req_prod_pvt++;

	memset(rxpage(i), POISON, XN_RING_PAGE);
	r = RING_GET_REQUEST(&v->v_rx, i);
	r->id = rxid(i);
	r->gref = gref;
}

/*
 * frx_rsps: consume the rx responses (their ring indexes in idx[]) and
 * re-arm rsp_event; returns how many.
 */
static unsigned int
frx_rsps(struct tvif *v, netif_rx_response_t *r, RING_IDX *idx,
    unsigned int max)
{
	unsigned int n = 0;
	RING_IDX prod;
	int more;

	do {
		prod = v->v_rx.sring->rsp_prod;
		xen_rmb();
		while (v->v_rx.rsp_cons != prod) {
			if (n < max) {
				idx[n] = v->v_rx.rsp_cons;
				r[n++] = *RING_GET_RESPONSE(&v->v_rx,
				    v->v_rx.rsp_cons);
			}
			v->v_rx.rsp_cons++;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&v->v_rx, more);
	} while (more);
	return (n);
}

/*
 * frx_frame: read the frame whose first response is at *at (rsp_cons is
 * not moved): data into f (*len), a GSO extra into *ex, the slots used
 * into *nslots; *at is left after the frame.  Each response must sit in
 * the slot of its request (id echoed) and at offset 0.  Returns 0, or
 * -1 (error status, a wrong id, a torn frame).
 */
static int
frx_frame(struct tvif *v, RING_IDX *at, uint8_t *f, size_t *len,
    struct netif_extra_info *ex, unsigned int *nslots)
{
	netif_rx_response_t r;
	RING_IDX i = *at;
	int more, extra, rv = 0;

	*len = 0;
	*nslots = 0;
	memset(ex, 0, sizeof(*ex));
	do {
		if (i == v->v_rx.sring->rsp_prod)
			return (-1);
		r = *RING_GET_RESPONSE(&v->v_rx, i);
		(*nslots)++;
		if (r.id != rxid(i) || r.offset != (*nslots == 1 ?
		    frx_headroom : 0) || r.status < 0 ||
		    r.offset + (size_t)r.status > XN_RING_PAGE ||
		    *len + (size_t)r.status > RING_FRAME_MAX)
			rv = -1;
		else {
			memcpy(f + *len, (uint8_t *)rxpage(i) + r.offset,
			    (size_t)r.status);
			*len += (size_t)r.status;
		}
		more = r.flags & NETRXF_more_data;
		extra = *nslots == 1 && (r.flags & NETRXF_extra_info);
		i++;
		if (extra) {
			memcpy(ex, RING_GET_RESPONSE(&v->v_rx, i),
			    sizeof(*ex));
			(*nslots)++;
			i++;
		}
	} while (more && *nslots < 40);
	*at = i;
	return (rv);
}

/*
 * Run passes of the engine's pass (ring_tx or ring_rx) until it says
 * idle (0) or fails (-1), 1001 at most; their number in *passes if not
 * NULL.  Returns what the last pass returned.
 */
static int
run_passes(struct tvif *v, int (*pass)(struct ring_queue *,
    const struct ring_port *), unsigned int *passes)
{
	unsigned int n = 0;
	int rv;

	while ((rv = pass(v->v_q, &v->v_rp)) == 1 && n < 1000)
		n++;
	if (passes != NULL)
		*passes = n + 1;
	return (rv);
}

/* The queue's counters now (a fresh snapshot at each call). */
static const struct ring_stats *
vst(struct tvif *v)
{
	ring_snapshot(v->v_q, &v->v_st);
	return (&v->v_st);
}

/* Run tx passes until the engine says idle (0) or fails (-1). */
static int
run_tx(struct tvif *v, unsigned int *passes)
{

	return (run_passes(v, ring_tx, passes));
}

/*
 * guest_events2: take every event the guest has pending; how many were
 * on port a and on port b.
 */
static void
guest_events2(int a, int b, unsigned int *na, unsigned int *nb)
{
	int p, guard = 0;

	*na = *nb = 0;
	while ((p = hv_evtchn_pending(ghv)) != -1 && guard++ < 64) {
		*na += p == a;
		*nb += p == b;
		hv_evtchn_unmask(ghv, p);
	}
}

/* Run rx passes until the engine says idle (0) or fails (-1). */
static int
run_rx(struct tvif *v, unsigned int *passes)
{

	return (run_passes(v, ring_rx, passes));
}

/* 1 if the n responses have ids id, id+1, ... and all this status. */
static int
rsps_all(const netif_tx_response_t *r, unsigned int n, uint16_t id,
    int16_t status)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		if (r[k].id != (uint16_t)(id + k) || r[k].status != status)
			return (0);
	return (1);
}

/* ---- cases ---- */

/*
 * t_resync: a backend dies with requests taken and not answered (one of
 * them already overwritten by its unpublished response); a new one
 * binds the guest's ports again, ring_resync checks the indexes and
 * notifies, and the unanswered requests are served, each answered
 * under its id.  Impossible indexes are refused.
 */
static void
t_resync(void)
{
	static uint8_t pkt[400];
	static netif_tx_response_t r[NSLOT];
	netif_tx_sring_t *txs = simdom_page(gsd, FR_TXRING);
	netif_tx_response_t *over;
	struct ring_config rc;
	struct ring_queue *q;
	struct tvif *v;
	unsigned int k, n, etx, erx;
	RING_IDX prod;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	q = ring_new(bhv, GUEST, &rc);
	ok(q != NULL && ring_resync(q) == -1 && errno == EINVAL,
	    "resync: refused on a queue not connected");
	ring_free(q);
	if (!ok(v->v_ok, "resync: vif connects"))
		goto out;
	for (k = 0; k < 3; k++) {
		fill(pkt, 200, k);
		ftx_pkt(v, pkt, 200, 1, 0, 0, (uint16_t)k, NULL, 0);
	}
	ftx_push(v);
	n = run_tx(v, NULL) == 0 ? ftx_rsps(v, r, NSLOT) : 0;
	ok(n == 3 && rsps_all(r, 3, 0, NETIF_RSP_OKAY),
	    "resync: the first backend answered 3 packets");
	/* 3 more posted; it took them, wrote one response, died */
	for (k = 3; k < 6; k++) {
		fill(pkt, 200, k);
		ftx_pkt(v, pkt, 200, 1, 0, 0, (uint16_t)k, NULL, 0);
	}
	ftx_push(v);
	over = RING_GET_RESPONSE(&v->v_tx, txs->rsp_prod);
	over->id = 3;
	over->status = NETIF_RSP_OKAY;
	ring_free(v->v_q);
	guest_events2(-1, -1, &etx, &erx);
	fp_reset(&v->v_port);
	v->v_q = ring_new(bhv, GUEST, &rc);
	ok(v->v_q != NULL && ring_connect(v->v_q, txring_ref, rxring_ref,
	    (uint32_t)v->v_gport_tx, (uint32_t)v->v_gport_rx, &feat_all) == 0,
	    "resync: a new backend binds the guest's ports again");
	ok(ring_resync(v->v_q) == 0, "resync: the indexes are accepted");
	guest_events2(v->v_gport_tx, v->v_gport_rx, &etx, &erx);
	ok(etx == 1 && erx == 1, "resync: the guest got one event on each "
	    "port (%u, %u)", etx, erx);
	n = run_tx(v, NULL) == 0 ? ftx_rsps(v, r, NSLOT) : 0;
	fill(pkt, 200, 4);
	ok(n == 3 && r[0].id == 3 && r[1].id == 4 && r[2].id == 5 &&
	    r[1].status == NETIF_RSP_OKAY && r[2].status == NETIF_RSP_OKAY,
	    "resync: the 3 unanswered requests are answered under their ids "
	    "(%u)", n);
	ok(fp_sent_is(&v->v_port, v->v_port.fp_nsent - 2, pkt, 200, NULL),
	    "resync: the ones intact went out byte-exact");
	/* impossible indexes: more than a ring outstanding */
	ring_free(v->v_q);
	guest_events2(-1, -1, &etx, &erx);
	v->v_q = ring_new(bhv, GUEST, &rc);
	prod = txs->req_prod;
	txs->req_prod = txs->rsp_prod + NSLOT + 1;
	k = v->v_q != NULL && ring_connect(v->v_q, txring_ref, rxring_ref,
	    (uint32_t)v->v_gport_tx, (uint32_t)v->v_gport_rx,
	    &feat_all) == 0 && ring_resync(v->v_q) == -1 && errno == EPROTO;
	ok(k && ring_error(v->v_q) != NULL,
	    "resync: tx req_prod a ring and one past rsp_prod is refused: %s",
	    k && ring_error(v->v_q) != NULL ? ring_error(v->v_q) : "no");
	txs->req_prod = prod;
out:
	vif_free(v);
}

static void
t_config(void)
{
	struct ring_config rc;
	struct ring_queue *rq;
	const char *why = NULL;
	int e;

	ring_config_default(&rc);
	ok(rc.rc_tx_batch == 64 && rc.rc_rx_batch == 64 &&
	    rc.rc_copy_batch == 64 && rc.rc_notify == RING_NOTIFY_BATCH,
	    "config: defaults are tx 64, rx 64, copy 64, notify batch");
	ok(ring_config_check(&rc, &why) == 0, "config: defaults pass");
	rc.rc_tx_batch = 0;
	e = ring_config_check(&rc, &why);
	ok(e == -1 && why != NULL && strstr(why, "tx-batch") != NULL,
	    "config: tx-batch 0 rejected (%s)", why != NULL ? why : "-");
	rc.rc_tx_batch = 257;
	ok(ring_config_check(&rc, &why) == -1, "config: tx-batch 257 rejected");
	rc.rc_tx_batch = 256;
	rc.rc_rx_batch = 0;
	ok(ring_config_check(&rc, &why) == -1 && strstr(why, "rx-batch") !=
	    NULL, "config: rx-batch 0 rejected");
	rc.rc_rx_batch = 257;
	ok(ring_config_check(&rc, &why) == -1, "config: rx-batch 257 rejected");
	rc.rc_rx_batch = 256;
	rc.rc_copy_batch = 0;
	ok(ring_config_check(&rc, &why) == -1 && strstr(why, "copy-batch") !=
	    NULL, "config: copy-batch 0 rejected");
	rc.rc_copy_batch = 513;
	ok(ring_config_check(&rc, &why) == -1,
	    "config: copy-batch 513 rejected");
	rc.rc_copy_batch = 512;
	ok(ring_config_check(&rc, &why) == 0,
	    "config: 256/256/512 (the maxima) accepted");
	rc.rc_notify = (enum ring_notify)7;
	ok(ring_config_check(&rc, &why) == -1, "config: bad notify rejected");
	rc.rc_notify = RING_NOTIFY_BATCH;
	rc.rc_tx_batch = 0;
	errno = 0;
	rq = ring_new(bhv, GUEST, &rc);
	ok(rq == NULL && errno == EINVAL,
	    "config: ring_new refuses it (EINVAL)");
	ring_free(rq);
}

/* Single-slot and multi-slot packets, byte-exact, plain vnet header. */
static void
t_tx_basic(void)
{
	static uint8_t pkt[8000];
	netif_tx_response_t r[8];
	struct xn_vnet_hdr vh, zero;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "tx: vif connects (tx ring %u, rx ring %u)",
	    txring_ref, rxring_ref))
		goto out;
	memset(&zero, 0, sizeof(zero));

	fill(pkt, 1000, 1);
	ftx_pkt(v, pkt, 1000, 1, 100, 0, 11, NULL, 0);
	ok(ftx_push(v) == 1, "tx: fresh ring asks for a kick (req_event 1)");
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && v->v_port.fp_nsent == 1 &&
	    fp_sent_is(&v->v_port, 0, pkt, 1000, &vh),
	    "tx: single-slot packet at offset 100 delivered byte-exact");
	ok(memcmp(&vh, &zero, sizeof(vh)) == 0,
	    "tx: plain packet gets an all-zero vnet header");
	ok(n == 1 && r[0].id == 11 && r[0].status == NETIF_RSP_OKAY,
	    "tx: one OKAY response with id 11");
	ok(vst(v)->rs_tx_packets == 1 &&
	    vst(v)->rs_tx_bytes == 1000,
	    "tx: counters 1 packet, 1000 bytes");
	ok(guest_events(v->v_gport_tx) == 1,
	    "tx: the guest got the tx event");

	fill(pkt, 7000, 2);
	ftx_pkt(v, pkt, 7000, 3, 0, 0, 20, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && fp_sent_is(&v->v_port, 1, pkt, 7000, NULL),
	    "tx: 3-slot packet (first size = total) reassembled");
	ok(n == 3 && rsps_all(r, 3, 20, NETIF_RSP_OKAY),
	    "tx: 3 OKAY responses, ids 20..22 in slot order");
	ok(vst(v)->rs_copy_segs == 4,
	    "tx: 1 + 3 copy segments for the two packets");

	fill(pkt, 60, 3);
	ftx_pkt(v, pkt, 60, 1, 0, NETTXF_data_validated, 30, NULL, 0);
	ftx_push(v);
	run_tx(v, NULL);
	ftx_rsps(v, r, 8);
	ok(fp_sent_is(&v->v_port, 2, pkt, 60, &vh) &&
	    vh.vh_flags == XN_VNET_F_DATA_VALID && vh.vh_gso_type == 0,
	    "tx: NETTXF_data_validated -> vnet DATA_VALID");

	/* The port refusing a frame is not the guest's fault: OKAY. */
	v->v_port.fp_fail = 1;
	ftx_pkt(v, pkt, 60, 1, 0, 0, 31, NULL, 0);
	ftx_push(v);
	run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	v->v_port.fp_fail = 0;
	ok(n == 1 && r[0].id == 31 && r[0].status == NETIF_RSP_OKAY &&
	    vst(v)->rs_drops[RING_DROP_TX_PORT] == 1,
	    "tx: port refusal answered OKAY, counted tx_port");
	ok(strcmp(ring_drop_name(RING_DROP_TX_PORT), "tx_port") == 0 &&
	    strcmp(ring_drop_name(RING_DROP_MAX), "?") == 0,
	    "tx: drop names");
out:
	vif_free(v);
}

/* 18 slots accepted, 19 and 20 answered ERROR, the vif stays usable. */
static void
t_tx_slots(void)
{
	static uint8_t pkt[20000];
	netif_tx_response_t r[32];
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "slots: vif connects"))
		goto out;
	fill(pkt, 18000, 4);
	ftx_pkt(v, pkt, 18000, 18, 0, 0, 100, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 32);
	ok(rv == 0 && fp_sent_is(&v->v_port, 0, pkt, 18000, NULL),
	    "slots: 18-slot packet accepted and reassembled");
	ok(n == 18 && rsps_all(r, 18, 100, NETIF_RSP_OKAY),
	    "slots: 18 OKAY responses");

	fill(pkt, 19000, 5);
	ftx_pkt(v, pkt, 19000, 19, 0, 0, 200, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 32);
	ok(rv == 0 && ring_error(v->v_q) == NULL && v->v_port.fp_nsent == 1,
	    "slots: 19-slot packet is not fatal and not delivered");
	ok(n == 19 && rsps_all(r, 19, 200, NETIF_RSP_ERROR),
	    "slots: 19 slots each answered NETIF_RSP_ERROR");
	ok(vst(v)->rs_drops[RING_DROP_TX_SLOTS] == 1,
	    "slots: counted as tx_slots drop");

	ftx_pkt(v, pkt, 20000, 20, 0, 0, 300, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 32);
	ok(rv == 0 && n == 20 && rsps_all(r, 20, 300, NETIF_RSP_ERROR) &&
	    vst(v)->rs_drops[RING_DROP_TX_SLOTS] == 2,
	    "slots: 20 slots (the fatal limit) still only ERROR");

	fill(pkt, 500, 6);
	ftx_pkt(v, pkt, 500, 2, 0, 0, 400, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 32);
	ok(rv == 0 && n == 2 && rsps_all(r, 2, 400, NETIF_RSP_OKAY) &&
	    fp_sent_is(&v->v_port, 1, pkt, 500, NULL),
	    "slots: the vif stays usable afterwards");
out:
	vif_free(v);
}

/* Malicious requests: the pass fails, ring_error says why, nothing is sent. */
static void
t_tx_fatal(void)
{
	static uint8_t pkt[21000];
	struct netif_extra_info ex;
	netif_tx_response_t r[16];
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	int rv;

	ring_config_default(&rc);

	v = vif_new(&rc, &feat_all);
	fill(pkt, 21000, 7);
	ftx_pkt(v, pkt, 21000, 21, 0, 0, 1, NULL, 0);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(v->v_ok && rv == -1 && ring_error(v->v_q) != NULL &&
	    v->v_port.fp_nsent == 0 && v->v_tx.sring->rsp_prod == 0,
	    "fatal: 21-slot packet -> -1 (%s), no response",
	    ring_error(v->v_q) != NULL ? ring_error(v->v_q) : "no error");
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	ftx_raw(v, txgref[0], 0, NETTXF_more_data, 1, 300);
	ftx_raw(v, txgref[1], 4000, 0, 2, 200);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(v->v_ok && rv == -1 && ring_error(v->v_q) != NULL &&
	    v->v_port.fp_nsent == 0,
	    "fatal: later slot with offset+size > 4096 (%s)",
	    ring_error(v->v_q) != NULL ? ring_error(v->v_q) : "no error");
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	ftx_raw(v, txgref[0], 4000, 0, 1, 200);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(v->v_ok && rv == -1 && ring_error(v->v_q) != NULL,
	    "fatal: single slot with offset+size > 4096");
	vif_free(v);

	/* A type newer than our netif.h (Linux's XDP is 5) is skipped. */
	v = vif_new(&rc, &feat_all);
	ftx_raw(v, txgref[0], 0, NETTXF_extra_info, 1, 100);
	memset(&ex, 0, sizeof(ex));
	ex.type = XEN_NETIF_EXTRA_TYPE_MAX;
	ftx_extra(v, &ex);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	n = ftx_rsps(v, r, 16);
	ok(v->v_ok && rv == 0 && ring_error(v->v_q) == NULL &&
	    v->v_port.fp_nsent == 1 && n == 2 && r[0].id == 1 &&
	    r[0].status == NETIF_RSP_OKAY && r[1].status == NETIF_RSP_NULL &&
	    vst(v)->rs_tx_extra_ignored == 1,
	    "extra type %d (unknown to us) skipped: packet delivered, "
	    "OKAY + NULL", XEN_NETIF_EXTRA_TYPE_MAX);
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	ftx_raw(v, txgref[0], 0, NETTXF_extra_info, 1, 100);
	memset(&ex, 0, sizeof(ex));
	ex.type = XEN_NETIF_EXTRA_TYPE_NONE;
	ftx_extra(v, &ex);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(v->v_ok && rv == -1 && ring_error(v->v_q) != NULL,
	    "fatal: extra type NONE");
	vif_free(v);

	/* RING_TX_EXTRA_MAX + 1 chained extras: a malicious frontend. */
	v = vif_new(&rc, &feat_all);
	ftx_raw(v, txgref[0], 0, NETTXF_extra_info, 1, 100);
	memset(&ex, 0, sizeof(ex));
	ex.type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD;
	ex.flags = XEN_NETIF_EXTRA_FLAG_MORE;
	for (rv = 0; rv < RING_TX_EXTRA_MAX + 1; rv++)
		ftx_extra(v, &ex);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(v->v_ok && rv == -1 && ring_error(v->v_q) != NULL,
	    "fatal: a chain of %d extra-info slots", RING_TX_EXTRA_MAX + 1);
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	ftx_raw(v, txgref[0], 0, 0, 1, 100);
	ftx_push(v);
	v->v_tx.sring->req_prod = v->v_q->rq_tx.req_cons + NSLOT + 1;
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(v->v_ok && rv == -1 && ring_error(v->v_q) != NULL &&
	    v->v_port.fp_nsent == 0 && v->v_tx.sring->rsp_prod == 0,
	    "fatal: tx req_prod 257 ahead of req_cons (%s)",
	    ring_error(v->v_q) != NULL ? ring_error(v->v_q) : "no error");
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	ok(ring_tx(v->v_q, &v->v_rp) == 0 && ring_error(v->v_q) == NULL,
	    "fatal: a fresh vif on the same pages is fine again");
	ring_disconnect(v->v_q);
	ok(ring_tx(v->v_q, &v->v_rp) == 0 &&
	    ring_rx(v->v_q, &v->v_rp) == 0 && ring_rx_ready(v->v_q) == 0,
	    "fatal: passes on a disconnected queue do nothing");
	vif_free(v);
}

/*
 * backend_kick: the guest notifies its port gport; returns the local
 * port the backend's event-channel fd delivers (unmasked again), -1 if
 * none.  Anything pending before is taken first.
 */
static int
backend_kick(int gport)
{
	int p, guard = 0;

	while ((p = hv_evtchn_pending(bhv)) != -1 && guard++ < 64)
		hv_evtchn_unmask(bhv, p);
	if (hv_evtchn_notify(ghv, gport) == -1 ||
	    (p = hv_evtchn_pending(bhv)) == -1)
		return (-1);
	hv_evtchn_unmask(bhv, p);
	return (p);
}

/* An event on a queue's port asks for that direction's pass; counted. */
static void
t_events(void)
{
	struct ring_config rc;
	struct tvif *v;
	int tx, rx;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "events: vif connects with two channels"))
		goto out;
	tx = backend_kick(v->v_gport_tx);
	ok(tx != -1 && ring_event(v->v_q, tx) == RING_EV_TX &&
	    vst(v)->rs_events_tx == 1 && vst(v)->rs_events_rx == 0,
	    "events: the guest's tx kick asks for a tx pass, counted as tx");
	rx = backend_kick(v->v_gport_rx);
	ok(rx != -1 && rx != tx && ring_event(v->v_q, rx) == RING_EV_RX &&
	    vst(v)->rs_events_tx == 1 && vst(v)->rs_events_rx == 1,
	    "events: its rx kick asks for an rx pass, counted as rx");
	ok(ring_event(v->v_q, tx + rx + 1) == 0 &&
	    ring_event(v->v_q, -1) == 0 && vst(v)->rs_events_tx == 1 &&
	    vst(v)->rs_events_rx == 1,
	    "events: another port asks for nothing and is not counted");

	ring_disconnect(v->v_q);
	if (!ok(ring_connect(v->v_q, txring_ref, rxring_ref,
	    (uint32_t)v->v_gport_tx, (uint32_t)v->v_gport_tx, &feat_all) == 0,
	    "events: reconnects with one channel for both rings"))
		goto out;
	tx = backend_kick(v->v_gport_tx);
	ok(tx != -1 && ring_event(v->v_q, tx) == (RING_EV_TX | RING_EV_RX) &&
	    vst(v)->rs_events_tx == 2 && vst(v)->rs_events_rx == 2 &&
	    ring_error(v->v_q) == NULL,
	    "events: on one channel a kick asks for both passes");
out:
	vif_free(v);
}

/* Inconsistent slot sizes: the packet is answered ERROR, not fatal. */
static void
t_tx_sizes(void)
{
	static uint8_t pkt[2000];
	netif_tx_response_t r[8];
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "sizes: vif connects"))
		goto out;
	ftx_raw(v, txgref[0], 0, NETTXF_more_data, 40, 100);
	ftx_raw(v, txgref[1], 0, NETTXF_more_data, 41, 80);
	ftx_raw(v, txgref[2], 0, 0, 42, 80);
	fill(pkt, 1500, 9);
	ftx_pkt(v, pkt, 1500, 2, 0, 0, 50, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && ring_error(v->v_q) == NULL,
	    "sizes: later slots summing above the first's size not fatal");
	ok(n == 5 && rsps_all(r, 3, 40, NETIF_RSP_ERROR),
	    "sizes: its 3 slots answered NETIF_RSP_ERROR");
	ok(vst(v)->rs_drops[RING_DROP_TX_SIZE] == 1,
	    "sizes: counted tx_size");
	ok(rsps_all(r + 3, 2, 50, NETIF_RSP_OKAY) &&
	    v->v_port.fp_nsent == 1 &&
	    fp_sent_is(&v->v_port, 0, pkt, 1500, NULL),
	    "sizes: the next packet in the batch is delivered");

	ftx_raw(v, txgref[3], 0, 0, 60, 10);
	ftx_raw(v, txgref[4], 0, NETTXF_more_data, 61, 14);
	ftx_raw(v, txgref[5], 0, 0, 62, 14);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && n == 3 && r[0].status == NETIF_RSP_ERROR &&
	    r[1].status == NETIF_RSP_OKAY && r[2].status == NETIF_RSP_OKAY &&
	    vst(v)->rs_drops[RING_DROP_TX_SIZE] == 2,
	    "sizes: a 10-octet runt is ERROR, a 14-octet frame whose data "
	    "is all in slot 2 is fine");
	ok(v->v_port.fp_nsent == 2 &&
	    fp_sent_is(&v->v_port, 1, txpage(5), 14, NULL),
	    "sizes: an empty first fragment is skipped, the frame is slot 2");
out:
	vif_free(v);
}

/* Checksum and GSO offloads of guest transmit. */
static void
t_tx_offload(void)
{
	static uint8_t pkt[8000], notip[64];
	netif_tx_response_t r[16];
	struct netif_extra_info gso;
	struct xn_vnet_hdr vh;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	size_t len;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "gso: vif connects"))
		goto out;
	memset(&gso, 0, sizeof(gso));
	gso.type = XEN_NETIF_EXTRA_TYPE_GSO;
	gso.u.gso.size = 1448;
	gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	len = mk_tcp4(pkt, 4000, 10);
	ftx_pkt(v, pkt, len, 3, 0, NETTXF_csum_blank | NETTXF_data_validated,
	    70, &gso, 1);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 16);
	ok(rv == 0 && fp_sent_is(&v->v_port, 0, pkt, len, &vh),
	    "gso: TCP/IPv4 GSO frame of %zu octets in 3 slots delivered", len);
	ok(vh.vh_gso_type == XN_VNET_GSO_TCPV4 && vh.vh_gso_size == 1448,
	    "gso: vnet gso_type TCPV4, gso_size 1448");
	ok(vh.vh_flags == XN_VNET_F_NEEDS_CSUM && vh.vh_csum_start == 34 &&
	    vh.vh_csum_offset == 16 && vh.vh_hdr_len == 54,
	    "gso: NEEDS_CSUM csum_start 34 csum_offset 16 hdr_len 54 "
	    "(got %u %u %u)", vh.vh_csum_start, vh.vh_csum_offset,
	    vh.vh_hdr_len);
	ok(n == 4 && r[0].id == 70 && r[0].status == NETIF_RSP_OKAY &&
	    r[1].status == NETIF_RSP_NULL && r[2].id == 71 &&
	    r[2].status == NETIF_RSP_OKAY && r[3].id == 72 &&
	    r[3].status == NETIF_RSP_OKAY,
	    "gso: responses OKAY, NULL (the extra slot), OKAY, OKAY");
	ok(vst(v)->rs_tx_gso == 1 &&
	    vst(v)->rs_tx_csum_blank == 1,
	    "gso: counted tx_gso and tx_csum_blank");

	/* GSO TCPV6 on an IPv4 frame, GSO without csum_blank, bad type. */
	gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
	ftx_pkt(v, pkt, len, 2, 0, NETTXF_csum_blank, 80, &gso, 1);
	gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	ftx_pkt(v, pkt, len, 2, 0, 0, 90, &gso, 1);
	gso.u.gso.type = 7;
	ftx_pkt(v, pkt, len, 2, 0, NETTXF_csum_blank, 100, &gso, 1);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 16);
	ok(rv == 0 && n == 9 && r[0].status == NETIF_RSP_ERROR &&
	    r[1].status == NETIF_RSP_NULL && r[2].status == NETIF_RSP_ERROR &&
	    r[3].status == NETIF_RSP_ERROR && r[6].id == 100 &&
	    r[6].status == NETIF_RSP_ERROR && r[8].status == NETIF_RSP_ERROR,
	    "gso: wrong family, no csum_blank, unknown type: all ERROR");
	ok(v->v_port.fp_nsent == 1 &&
	    vst(v)->rs_drops[RING_DROP_TX_OFFLOAD] == 3,
	    "gso: none delivered, 3 tx_offload drops");

	/* csum_blank alone, on UDP/IPv6 and on a frame that is not IP. */
	len = mk_udp6(pkt, 700, 11);
	ftx_pkt(v, pkt, len, 1, 0, NETTXF_csum_blank, 110, NULL, 0);
	ftx_pkt(v, notip, sizeof(notip), 1, 0, NETTXF_csum_blank, 111, NULL,
	    0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 16);
	ok(rv == 0 && fp_sent_is(&v->v_port, 1, pkt, len, &vh) &&
	    vh.vh_flags == XN_VNET_F_NEEDS_CSUM && vh.vh_csum_start == 54 &&
	    vh.vh_csum_offset == 6 && vh.vh_gso_type == XN_VNET_GSO_NONE,
	    "csum: UDP/IPv6 csum_blank -> NEEDS_CSUM start 54 offset 6");
	ok(n == 2 && r[0].status == NETIF_RSP_OKAY &&
	    r[1].status == NETIF_RSP_ERROR && v->v_port.fp_nsent == 2,
	    "csum: csum_blank on a non-IP frame is answered ERROR");
out:
	vif_free(v);
}

/* Extra-info slots that carry no offload. */
static void
t_tx_extras(void)
{
	static uint8_t pkt[2000];
	netif_tx_response_t r[8];
	struct netif_extra_info mc;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "mcast: vif connects"))
		goto out;
	memset(&mc, 0, sizeof(mc));
	mc.type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD;
	memcpy(mc.u.mcast.addr, "\x01\x00\x5e\x00\x00\xfb", 6);
	fill(pkt, 900, 12);
	ftx_pkt(v, pkt, 900, 2, 0, 0, 120, &mc, 1);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && ring_error(v->v_q) == NULL &&
	    fp_sent_is(&v->v_port, 0, pkt, 900, NULL),
	    "mcast: packet carrying a MCAST_ADD extra delivered");
	ok(n == 3 && r[0].id == 120 && r[0].status == NETIF_RSP_OKAY &&
	    r[1].status == NETIF_RSP_NULL && r[2].id == 121 &&
	    r[2].status == NETIF_RSP_OKAY,
	    "mcast: its extra slot answered NETIF_RSP_NULL");
	ok(vst(v)->rs_tx_extra_ignored == 1,
	    "mcast: counted tx_extra_ignored");

	/* netif.h: filter updates come on dummy (empty) requests. */
	ftx_raw(v, txgref[10], 0, NETTXF_extra_info, 130, 0);
	mc.type = XEN_NETIF_EXTRA_TYPE_MCAST_DEL;
	ftx_extra(v, &mc);
	fill(pkt, 80, 13);
	ftx_pkt(v, pkt, 80, 1, 0, 0, 131, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	diag("dummy MCAST_DEL request answered %d", n > 0 ? r[0].status : 99);
	ok(rv == 0 && ring_error(v->v_q) == NULL && n == 3 && r[0].id == 130 &&
	    r[0].status != NETIF_RSP_NULL && r[1].status == NETIF_RSP_NULL,
	    "mcast: a dummy MCAST_DEL request is answered, extra NULL");
	ok(v->v_port.fp_nsent == 2 && fp_sent_is(&v->v_port, 1, pkt, 80,
	    NULL) && r[2].id == 131 && r[2].status == NETIF_RSP_OKAY,
	    "mcast: the dummy is not sent to the port, the next packet is");
out:
	vif_free(v);
}

/* A packet naming a grant that does not exist. */
static void
t_tx_grant(void)
{
	static uint8_t pkt[4000];
	netif_tx_response_t r[8];
	struct ring_config rc;
	struct tvif *v;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "grant: vif connects"))
		goto out;
	ftx_raw(v, bad_ref, 0, 0, 140, 200);
	fill(pkt, 300, 14);
	ftx_pkt(v, pkt, 300, 1, 0, 0, 141, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && n == 2 && r[0].id == 140 &&
	    r[0].status == NETIF_RSP_ERROR,
	    "grant: packet with an ungranted ref answered ERROR");
	ok(vst(v)->rs_drops[RING_DROP_TX_COPY] == 1,
	    "grant: counted tx_copy");
	ok(r[1].id == 141 && r[1].status == NETIF_RSP_OKAY &&
	    v->v_port.fp_nsent == 1 &&
	    fp_sent_is(&v->v_port, 0, pkt, 300, NULL),
	    "grant: the next packet of the same batch is delivered");

	/* A bad ref in the middle slot spoils the whole packet only. */
	fill(pkt, 3000, 15);
	memcpy(txpage(v->v_tx.req_prod_pvt), pkt, 1000);
	ftx_raw(v, txgref[v->v_tx.req_prod_pvt % NSLOT], 0, NETTXF_more_data,
	    150, 3000);
	ftx_raw(v, bad_ref, 0, NETTXF_more_data, 151, 1000);
	memcpy(txpage(v->v_tx.req_prod_pvt), pkt + 2000, 1000);
	ftx_raw(v, txgref[v->v_tx.req_prod_pvt % NSLOT], 0, 0, 152, 1000);
	ftx_pkt(v, pkt, 3000, 3, 0, 0, 160, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && n == 6 && rsps_all(r, 3, 150, NETIF_RSP_ERROR) &&
	    rsps_all(r + 3, 3, 160, NETIF_RSP_OKAY),
	    "grant: bad middle slot: its 3 slots ERROR, next packet OKAY");
	ok(vst(v)->rs_drops[RING_DROP_TX_COPY] == 2 &&
	    v->v_port.fp_nsent == 2 &&
	    fp_sent_is(&v->v_port, 1, pkt, 3000, NULL),
	    "grant: only the good packet reached the port");
out:
	vif_free(v);
}

/* Several rounds of mixed packets: the indexes wrap, order is kept. */
static void
t_tx_wrap(void)
{
	static uint8_t pkt[6000];
	static netif_tx_response_t r[NSLOT];
	struct ring_config rc;
	struct tvif *v;
	unsigned int round, k, n, nslots, slots, bad = 0, rbad = 0, total = 0;
	size_t len;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "wrap: vif connects"))
		goto out;
	for (round = 0; round < 5; round++) {
		fp_reset(&v->v_port);
		slots = 0;
		for (k = 0; k < 100; k++) {
			nslots = k % 3 + 1;
			len = 60 + (round * 100 + k) * 37 % 3000;
			fill(pkt, len, round * 100 + k);
			slots += ftx_pkt(v, pkt, len, nslots, 0, 0,
			    (uint16_t)(round * 1000 + k * 4), NULL, 0);
		}
		ftx_push(v);
		if (run_tx(v, NULL) != 0)
			bad++;
		n = ftx_rsps(v, r, NSLOT);
		if (n != slots || v->v_port.fp_nsent != 100)
			bad++;
		for (k = 0, n = 0; k < 100; k++) {
			nslots = k % 3 + 1;
			len = 60 + (round * 100 + k) * 37 % 3000;
			fill(pkt, len, round * 100 + k);
			if (!fp_sent_is(&v->v_port, k, pkt, len, NULL))
				bad++;
			if (!rsps_all(r + n, nslots,
			    (uint16_t)(round * 1000 + k * 4), NETIF_RSP_OKAY))
				rbad++;
			n += nslots;
		}
		total += slots;
	}
	ok(total > 2 * NSLOT && v->v_tx.req_prod_pvt == total &&
	    v->v_q->rq_tx.req_cons == total,
	    "wrap: %u slots through a %u-slot ring", total, NSLOT);
	ok(bad == 0, "wrap: 500 packets delivered byte-exact in order");
	ok(rbad == 0, "wrap: every response in order with its id, OKAY");
	ok(vst(v)->rs_tx_packets == 500,
	    "wrap: counted 500 packets");
out:
	vif_free(v);
}

/* A packet whose last pushed slot says more_data waits for the rest. */
static void
t_tx_incomplete(void)
{
	static uint8_t pkt[3000], pkt2[500];
	netif_tx_response_t r[8];
	struct ring_config rc;
	struct tvif *v;
	RING_IDX full;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "incomplete: vif connects"))
		goto out;
	fill(pkt2, 500, 16);
	ftx_pkt(v, pkt2, 500, 1, 0, 0, 170, NULL, 0);
	fill(pkt, 3000, 17);
	ftx_pkt(v, pkt, 3000, 3, 0, 0, 180, NULL, 0);
	full = v->v_tx.req_prod_pvt;
	v->v_tx.req_prod_pvt = full - 1;
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && v->v_port.fp_nsent == 1 &&
	    fp_sent_is(&v->v_port, 0, pkt2, 500, NULL) && n == 1 &&
	    r[0].id == 170,
	    "incomplete: the complete packet before it goes out");
	ok(v->v_q->rq_tx.req_cons == 1,
	    "incomplete: its slots are not consumed (req_cons 1)");
	ok(v->v_tx.sring->req_event == full,
	    "incomplete: req_event asks for the next push (%u)",
	    v->v_tx.sring->req_event);
	ok(ring_tx(v->v_q, &v->v_rp) == 0 && v->v_port.fp_nsent == 1,
	    "incomplete: another pass still waits");
	v->v_tx.req_prod_pvt = full;
	ok(ftx_push(v) == 1, "incomplete: pushing the rest kicks the backend");
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, 8);
	ok(rv == 0 && v->v_port.fp_nsent == 2 &&
	    fp_sent_is(&v->v_port, 1, pkt, 3000, NULL) && n == 3 &&
	    rsps_all(r, 3, 180, NETIF_RSP_OKAY),
	    "incomplete: delivered once the rest is pushed");

	/* The same with the extra-info slot the last one pushed. */
	ftx_raw(v, txgref[v->v_tx.req_prod_pvt % NSLOT], 0,
	    NETTXF_extra_info, 190, 100);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(rv == 0 && ring_error(v->v_q) == NULL && v->v_port.fp_nsent == 2 &&
	    v->v_q->rq_tx.req_cons == v->v_tx.req_prod_pvt - 1,
	    "incomplete: a first slot awaiting its extra is left alone");
out:
	vif_free(v);
}

/*
 * Batching: one copy hypercall and at most one notification per pass
 * at the defaults; one of each per packet unbatched.
 */
static void
t_tx_batch(void)
{
	static uint8_t pkt[200], big[4000];
	static netif_tx_response_t r[NSLOT];
	const struct hv_counts *hc = hv_counts(bhv);
	struct ring_config rc;
	struct tvif *v;
	unsigned int k, n, passes, ev, bad = 0;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "batch: vif connects"))
		goto out;
	for (k = 0; k < 64; k++) {
		fill(pkt, 100 + k, k);
		ftx_pkt(v, pkt, 100 + k, 1, 0, 0, (uint16_t)k, NULL, 0);
	}
	ftx_push(v);
	rv = run_tx(v, &passes);
	n = ftx_rsps(v, r, NSLOT);
	for (k = 0; k < 64; k++) {
		fill(pkt, 100 + k, k);
		if (!fp_sent_is(&v->v_port, k, pkt, 100 + k, NULL))
			bad++;
	}
	ok(rv == 0 && n == 64 && rsps_all(r, 64, 0, NETIF_RSP_OKAY) &&
	    bad == 0, "batch: 64 packets delivered and answered");
	ok(vst(v)->rs_hcalls[HV_CALL_COPY] == 1 &&
	    hc->hc_calls[HV_CALL_COPY] == 1 && hc->hc_copy_segs == 64,
	    "batch: exactly 1 copy hypercall for 64 segments (engine %ju, "
	    "hv %ju)", (uintmax_t)vst(v)->rs_hcalls[HV_CALL_COPY],
	    (uintmax_t)hc->hc_calls[HV_CALL_COPY]);
	ok(vst(v)->rs_hcalls[HV_CALL_NOTIFY] == 1 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 1 &&
	    vst(v)->rs_notify_tx == 1,
	    "batch: exactly 1 notify (the frontend's rsp_event wanted one)");
	ok(guest_events(v->v_gport_tx) == 1, "batch: the guest saw it");
	ok(vst(v)->rs_tx_hist[6] == 1 && passes == 2,
	    "batch: one 64-packet pass in the histogram, %u passes", passes);
	ok(v->v_port.fp_nflush == 1,
	    "batch: the 64 frames leave through one port flush (%u)",
	    v->v_port.fp_nflush);


	/* A frontend that has not re-armed rsp_event gets no notify. */
	hv_counts_reset(bhv);
	v->v_tx.sring->rsp_event = v->v_tx.rsp_cons;
	for (k = 0; k < 64; k++)
		ftx_pkt(v, pkt, 60, 1, 0, 0, (uint16_t)k, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	ok(rv == 0 && v->v_tx.sring->rsp_prod == 128 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 0 &&
	    hc->hc_calls[HV_CALL_COPY] == 1,
	    "batch: no notify when rsp_event was not moved on");
	v->v_tx.rsp_cons = v->v_tx.sring->rsp_prod;

	/* Frames the port could not send at flush time are port drops. */
	v->v_port.fp_flushfail = 3;
	for (k = 0; k < 8; k++)
		ftx_pkt(v, pkt, 60, 1, 0, 0, (uint16_t)k, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, NSLOT);
	ok(rv == 0 && n == 8 && rsps_all(r, 8, 0, NETIF_RSP_OKAY) &&
	    vst(v)->rs_tx_packets == 128 + 5 &&
	    vst(v)->rs_drops[RING_DROP_TX_PORT] == 3,
	    "flush: 3 of 8 frames lost by the port: answered OKAY, counted "
	    "as port drops, not as sent");
	v->v_port.fp_flushfail = -1;
	for (k = 0; k < 4; k++)
		ftx_pkt(v, pkt, 60, 1, 0, 0, (uint16_t)k, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, NSLOT);
	ok(rv == 0 && n == 4 && vst(v)->rs_tx_packets == 128 + 5 &&
	    vst(v)->rs_drops[RING_DROP_TX_PORT] == 3 + 4,
	    "flush: a failed port loses the whole flush, all counted");
	v->v_port.fp_flushfail = 0;
	vif_free(v);

	/* The unbatched configuration. */
	rc.rc_tx_batch = 1;
	rc.rc_copy_batch = 1;
	rc.rc_notify = RING_NOTIFY_PACKET;
	v = vif_new(&rc, &feat_all);
	for (k = 0; k < 64; k++)
		ftx_pkt(v, pkt, 60 + k, 1, 0, 0, (uint16_t)k, NULL, 0);
	ftx_push(v);
	ev = n = passes = 0;
	do {
		rv = ring_tx(v->v_q, &v->v_rp);
		n += ftx_rsps(v, r + n, NSLOT - n);
		ev += (unsigned int)guest_events(v->v_gport_tx);
	} while (rv == 1 && ++passes < 1000);
	ok(rv == 0 && n == 64 && rsps_all(r, 64, 0, NETIF_RSP_OKAY) &&
	    v->v_port.fp_nsent == 64, "unbatched: 64 packets answered");
	ok(vst(v)->rs_hcalls[HV_CALL_COPY] == 64 &&
	    hc->hc_calls[HV_CALL_COPY] == 64,
	    "unbatched: 64 copy hypercalls (hv %ju)",
	    (uintmax_t)hc->hc_calls[HV_CALL_COPY]);
	ok(vst(v)->rs_hcalls[HV_CALL_NOTIFY] == 64 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 64 && ev == 64,
	    "unbatched: 64 notifies, 64 events seen by the guest (%u)", ev);
	ok(vst(v)->rs_tx_hist[0] == 64,
	    "unbatched: 64 one-packet passes in the histogram");
	ok(v->v_port.fp_nflush == 64,
	    "unbatched: one port flush per packet (%u)", v->v_port.fp_nflush);
	vif_free(v);

	/*
	 * Placement: a slot that would cross a page of the backend's buffer
	 * (two copy ops in the kernel) starts at the guest's in-page offset
	 * instead; one that fits stays packed behind the one before.
	 */
	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	fill(pkt, 100, 1);
	ftx_pkt(v, pkt, 100, 1, 0, 0, 0, NULL, 0);
	fill(big, 4000, 2);
	ftx_pkt(v, big, 4000, 1, 96, 0, 1, NULL, 0);
	fill(pkt, 200, 3);
	ftx_pkt(v, pkt, 200, 1, 3000, 0, 2, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, NSLOT);
	fill(big, 4000, 2);
	ok(rv == 0 && n == 3 && v->v_port.fp_nsent == 3 &&
	    fp_sent_is(&v->v_port, 1, big, 4000, NULL) &&
	    v->v_port.fp_base[1] % XN_RING_PAGE == 96 &&
	    v->v_port.fp_base[1] - v->v_port.fp_base[0] < 2 * XN_RING_PAGE,
	    "place: a 4000-octet slot at guest offset 96 lands at offset 96 "
	    "of a page, whole (offset %ju)",
	    (uintmax_t)(v->v_port.fp_base[1] % XN_RING_PAGE));
	ok(v->v_port.fp_base[2] - v->v_port.fp_base[1] == 4032,
	    "place: a 200-octet slot that fits is packed right behind it "
	    "(4000 rounded to 64)");
	vif_free(v);

	/* copy-batch 16 */
	ring_config_default(&rc);
	rc.rc_copy_batch = 16;
	v = vif_new(&rc, &feat_all);
	for (k = 0; k < 64; k++)
		ftx_pkt(v, pkt, 60, 1, 0, 0, (uint16_t)k, NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, NSLOT);
	ok(rv == 0 && n == 64 && v->v_port.fp_nsent == 64 &&
	    vst(v)->rs_hcalls[HV_CALL_COPY] == 4 &&
	    hc->hc_calls[HV_CALL_COPY] == 4 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 1,
	    "copy-batch 16: 64 packets in 4 copy hypercalls, 1 notify");
	vif_free(v);

	/* Multi-slot packets: segments, not packets, fill a copy batch. */
	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	fill(pkt, 200, 18);
	for (k = 0; k < 32; k++)
		ftx_pkt(v, pkt, 200, 3, 0, 0, (uint16_t)(k * 3), NULL, 0);
	ftx_push(v);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, NSLOT);
	ok(rv == 0 && n == 96 && v->v_port.fp_nsent == 32 &&
	    hc->hc_copy_segs == 96 && hc->hc_calls[HV_CALL_COPY] == 2,
	    "batch: 32 3-slot packets = 96 segments in 2 copy hypercalls");
out:
	vif_free(v);
}

/* ---- guest receive ---- */

static void
t_rx_basic(void)
{
	static uint8_t f[6000], g[6000];
	netif_rx_response_t r[8];
	struct netif_extra_info ex;
	struct ring_config rc;
	struct tvif *v;
	RING_IDX idx[8], at;
	unsigned int n, ns;
	size_t len;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_nosg);
	if (!ok(v->v_ok, "rx: vif connects (no sg)"))
		goto out;
	fill(f, 1000, 20);
	fp_queue(&v->v_port, NULL, f, 1000);
	ok(ring_rx_ready(v->v_q) == 1,
	    "rx: nothing held: the port may be read with no buffer posted");
	rv = ring_rx(v->v_q, &v->v_rp);
	ok(rv == 0 && v->v_port.fp_nrecv == 0 && v->v_q->rq_rx_need == 1,
	    "rx: a frame with no buffer posted for it is held in the port");
	ok(ring_rx_ready(v->v_q) == 0 && v->v_rx.sring->req_event == 1,
	    "rx: then not ready; req_event = 1");
	frx_post(v, 3);
	ok(ring_rx_ready(v->v_q) == 1, "rx: ready with 1 buffer (no sg)");
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 8);
	ok(rv == 0 && n == 1 && idx[0] == 0 && r[0].id == rxid(0) &&
	    r[0].status == 1000 && r[0].offset == 0 && r[0].flags == 0,
	    "rx: 1000-octet frame: response in slot 0, id %u echoed, "
	    "status 1000", rxid(0));
	ok(memcmp(rxpage(0), f, 1000) == 0 && rxpage(0)[1000] == POISON,
	    "rx: frame landed in the buffer posted at slot 0, nothing more");
	ok(vst(v)->rs_rx_packets == 1 &&
	    vst(v)->rs_rx_bytes == 1000,
	    "rx: counters 1 packet, 1000 bytes");
	ok(guest_events(v->v_gport_rx) == 1, "rx: the guest got the rx event");

	fill(f, 60, 21);
	fp_queue(&v->v_port, NULL, f, 60);
	fill(g, 1514, 22);
	fp_queue(&v->v_port, NULL, g, 1514);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 8);
	at = 1;
	ok(rv == 0 && n == 2 && frx_frame(v, &at, f + 1000, &len, &ex,
	    &ns) == 0 && len == 60 && memcmp(f + 1000, f, 60) == 0,
	    "rx: next frame in slot 1 with its id");
	ok(frx_frame(v, &at, f, &len, &ex, &ns) == 0 && len == 1514 &&
	    memcmp(f, g, 1514) == 0 && idx[1] == 2,
	    "rx: and the one after in slot 2");
	fp_queue(&v->v_port, NULL, f, 60);
	rv = run_rx(v, NULL);
	ok(rv == 0 && ring_rx_ready(v->v_q) == 0 &&
	    v->v_rx.sring->req_event == 4,
	    "rx: all buffers used, a frame held: not ready, req_event = 4");
	vif_free(v);

	/* With sg the engine waits only for room for the frame it holds. */
	v = vif_new(&rc, &feat_all);
	fill(f, 1000, 23);
	fp_queue(&v->v_port, NULL, f, 1000);
	frx_post(v, 1);
	ok(ring_rx_ready(v->v_q) == 1, "rx sg: ready with 1 buffer");
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 8);
	ok(rv == 0 && n == 1 && r[0].id == rxid(0) && r[0].status == 1000 &&
	    memcmp(rxpage(0), f, 1000) == 0,
	    "rx sg: a 1000-octet frame goes into the one buffer posted");
	fill(g, 5000, 24);
	fp_queue(&v->v_port, NULL, g, 5000);
	fp_queue(&v->v_port, NULL, g, 5000);
	frx_post(v, 1);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 8);
	ok(rv == 0 && n == 0 && v->v_port.fp_nrecv == 1 &&
	    ring_rx_ready(v->v_q) == 0 && v->v_rx.sring->req_event == 3,
	    "rx sg: a 5000-octet frame (2 slots) waits with 1 posted; "
	    "req_event = 3");
	frx_post(v, 3);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 8);
	at = 1;
	ok(rv == 0 && n == 4 && frx_frame(v, &at, f, &len, &ex, &ns) == 0 &&
	    len == 5000 && ns == 2 && memcmp(f, g, 5000) == 0 &&
	    frx_frame(v, &at, f, &len, &ex, &ns) == 0 && len == 5000,
	    "rx sg: posting more delivers it and the next one");
out:
	vif_free(v);
}

static void
t_rx_sg(void)
{
	static uint8_t f[RING_FRAME_MAX], g[RING_FRAME_MAX];
	static netif_rx_response_t r[64];
	static RING_IDX idx[64];
	struct netif_extra_info ex;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n, ns;
	size_t len;
	RING_IDX at = 0;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "sg: vif connects"))
		goto out;
	frx_post(v, RING_RX_SLOTS_MAX);
	fill(f, 9000, 24);
	fp_queue(&v->v_port, NULL, f, 9000);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 3 && r[0].status == 4096 && r[1].status == 4096 &&
	    r[2].status == 808,
	    "sg: 9000-octet frame in 3 slots of 4096, 4096, 808");
	ok(r[0].flags == NETRXF_more_data && r[1].flags == NETRXF_more_data &&
	    r[2].flags == 0, "sg: more_data on the first two only");
	ok(r[0].id == rxid(0) && r[1].id == rxid(1) && r[2].id == rxid(2),
	    "sg: each id echoed in its own slot");
	ok(frx_frame(v, &at, g, &len, &ex, &ns) == 0 && len == 9000 &&
	    ns == 3 && memcmp(f, g, 9000) == 0,
	    "sg: the bytes reassemble");
	fill(f, RING_FRAME_MAX, 25);
	fp_queue(&v->v_port, NULL, f, RING_FRAME_MAX);
	rv = run_rx(v, NULL);
	ok(rv == 0 && v->v_q->rq_rx.req_cons == 3 &&
	    ring_rx_ready(v->v_q) == 0 &&
	    v->v_rx.sring->req_event == 3 + RING_RX_SLOTS_MAX - 1,
	    "sg: 3 requests consumed; %u left are not enough for the "
	    "largest frame", RING_RX_SLOTS_MAX - 3);

	frx_post(v, RING_RX_SLOTS_MAX);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == RING_RX_SLOTS_MAX - 1 &&
	    frx_frame(v, &at, g, &len, &ex, &ns) == 0 &&
	    len == RING_FRAME_MAX && memcmp(f, g, len) == 0,
	    "sg: a %u-octet frame (the largest) in %u slots", RING_FRAME_MAX,
	    RING_RX_SLOTS_MAX - 1);
out:
	vif_free(v);
}

/* The vnet header of host frames: GSO and checksum offloads. */
static void
t_rx_offload(void)
{
	static uint8_t f[10000], g[10000];
	static netif_rx_response_t r[64];
	static RING_IDX idx[64];
	struct netif_extra_info ex, gx;
	struct ring_features rf;
	struct xn_vnet_hdr vh;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n, ns;
	size_t len, glen;
	RING_IDX at = 0;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "rx gso: vif connects"))
		goto out;
	memset(&vh, 0, sizeof(vh));
	vh.vh_flags = XN_VNET_F_NEEDS_CSUM;
	vh.vh_gso_type = XN_VNET_GSO_TCPV4;
	vh.vh_gso_size = 1448;
	vh.vh_hdr_len = 54;
	vh.vh_csum_start = 34;
	vh.vh_csum_offset = 16;
	len = mk_tcp4(f, 9000 - 54, 26);
	fp_queue(&v->v_port, &vh, f, len);
	frx_post(v, RING_RX_SLOTS_MAX);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 4 && r[0].flags == (NETRXF_extra_info |
	    NETRXF_csum_blank | NETRXF_data_validated | NETRXF_more_data),
	    "rx gso: first response extra_info|csum_blank|data_validated"
	    "|more_data (flags %#x)", n > 0 ? r[0].flags : 0);
	memcpy(&gx, &r[1], sizeof(gx));
	ok(gx.type == XEN_NETIF_EXTRA_TYPE_GSO && gx.flags == 0 &&
	    gx.u.gso.size == 1448 && gx.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4,
	    "rx gso: slot 1 holds the GSO extra, TCPV4 size 1448");
	ok(frx_frame(v, &at, g, &glen, &ex, &ns) == 0 && glen == len &&
	    ns == 4 && memcmp(f, g, len) == 0 && r[2].id == rxid(2) &&
	    r[3].id == rxid(3),
	    "rx gso: data in slots 0, 2, 3, the partial checksum as sent");
	ok(vst(v)->rs_rx_gso == 1 &&
	    vst(v)->rs_rx_csum_blank == 1,
	    "rx gso: counted rx_gso, rx_csum_blank");
	vif_free(v);

	rf = feat_all;
	rf.rf_gso4 = 0;
	v = vif_new(&rc, &rf);
	fp_queue(&v->v_port, &vh, f, len);
	fill(g, 200, 27);
	fp_queue(&v->v_port, NULL, g, 200);
	frx_post(v, RING_RX_SLOTS_MAX);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && vst(v)->rs_drops[RING_DROP_RX_OFFLOAD] == 1,
	    "rx gso: to a frontend without gso-tcpv4 -> rx_offload drop");
	ok(n == 1 && r[0].id == rxid(0) && r[0].status == 200 &&
	    memcmp(rxpage(0), g, 200) == 0,
	    "rx gso: it used no slot; the next frame takes slot 0");
	vif_free(v);

	/* UDP/IPv6 with a partial checksum. */
	memset(&vh, 0, sizeof(vh));
	vh.vh_flags = XN_VNET_F_NEEDS_CSUM;
	vh.vh_csum_start = 54;
	vh.vh_csum_offset = 6;
	len = mk_udp6(f, 1001, 28);
	ok(!udp6_csum_ok(f, len), "rx csum: the sent UDP checksum is partial");
	v = vif_new(&rc, &feat_nosg);
	fp_queue(&v->v_port, &vh, f, len);
	frx_post(v, 1);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 1 && r[0].status == (int16_t)len &&
	    r[0].flags == NETRXF_data_validated,
	    "rx csum: no ipv6 csum offload -> flags data_validated only");
	ok(udp6_csum_ok(rxpage(0), len),
	    "rx csum: the UDP checksum was completed and verifies");
	ok(memcmp(rxpage(0), f, 60) == 0 &&
	    memcmp(rxpage(0) + 62, f + 62, len - 62) == 0 &&
	    vst(v)->rs_rx_csum_sw == 1,
	    "rx csum: nothing else changed; counted rx_csum_sw");
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	fp_queue(&v->v_port, &vh, f, len);
	frx_post(v, RING_RX_SLOTS_MAX);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 1 &&
	    r[0].flags == (NETRXF_csum_blank | NETRXF_data_validated) &&
	    memcmp(rxpage(0), f, len) == 0 &&
	    vst(v)->rs_rx_csum_sw == 0,
	    "rx csum: with ipv6 csum offload the checksum is left partial");

	/* DATA_VALID, and a vnet gso type we do not know. */
	vh.vh_flags = XN_VNET_F_DATA_VALID;
	fill(g, 300, 29);
	fp_queue(&v->v_port, &vh, g, 300);
	memset(&vh, 0, sizeof(vh));
	vh.vh_gso_type = 9;
	fp_queue(&v->v_port, &vh, g, 300);
	frx_post(v, RING_RX_SLOTS_MAX);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 1 && r[0].flags == NETRXF_data_validated &&
	    vst(v)->rs_drops[RING_DROP_RX_OFFLOAD] == 1,
	    "rx csum: DATA_VALID -> data_validated; unknown gso type dropped");
out:
	vif_free(v);
}

static void
t_rx_errors(void)
{
	static uint8_t f[10000], g[2000];
	static netif_rx_response_t r[64];
	static RING_IDX idx[64];
	struct netif_extra_info ex;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n, ns;
	RING_IDX at;
	size_t len;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_nosg);
	if (!ok(v->v_ok, "rx err: vif connects"))
		goto out;
	fill(f, 5000, 30);
	fp_queue(&v->v_port, NULL, f, 5000);
	fp_queue(&v->v_port, NULL, f, 10);
	fill(g, 700, 31);
	fp_queue(&v->v_port, NULL, g, 700);
	frx_post(v, 1);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && vst(v)->rs_drops[RING_DROP_RX_SIZE] == 2,
	    "rx err: 5000 octets without sg and a 10-octet runt: rx_size");
	ok(n == 1 && idx[0] == 0 && r[0].id == rxid(0) && r[0].status == 700 &&
	    memcmp(rxpage(0), g, 700) == 0 && v->v_q->rq_rx.req_cons == 1,
	    "rx err: they used no slot; the next frame lands in slot 0");

	frx_post_ref(v, bad_ref);
	frx_post(v, 1);
	fill(f, 400, 32);
	fp_queue(&v->v_port, NULL, f, 400);
	fp_queue(&v->v_port, NULL, g, 600);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 2 && idx[0] == 1 && r[0].id == rxid(1) &&
	    r[0].status == NETIF_RSP_ERROR,
	    "rx err: bad rx gref -> NETIF_RSP_ERROR in its slot");
	ok(vst(v)->rs_drops[RING_DROP_RX_COPY] == 1 &&
	    vst(v)->rs_rx_packets == 2,
	    "rx err: counted rx_copy, not as a packet");
	ok(r[1].id == rxid(2) && r[1].status == 600 &&
	    memcmp(rxpage(2), g, 600) == 0,
	    "rx err: the next frame is fine");
	vif_free(v);

	/* With sg: the bad ref in the middle spoils every slot of it. */
	v = vif_new(&rc, &feat_all);
	frx_post(v, 1);
	frx_post_ref(v, bad_ref);
	frx_post(v, 1 + RING_RX_SLOTS_MAX);
	fill(f, 9000, 33);
	fp_queue(&v->v_port, NULL, f, 9000);
	fp_queue(&v->v_port, NULL, g, 1000);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 4 && r[0].status == NETIF_RSP_ERROR &&
	    r[1].status == NETIF_RSP_ERROR && r[2].status == NETIF_RSP_ERROR &&
	    r[0].id == rxid(0) && r[1].id == rxid(1) && r[2].id == rxid(2),
	    "rx err: sg frame with one bad gref: ERROR in all 3 slots");
	at = 3;
	ok(frx_frame(v, &at, f, &len, &ex, &ns) == 0 && len == 1000 &&
	    memcmp(f, g, 1000) == 0 &&
	    vst(v)->rs_drops[RING_DROP_RX_COPY] == 1,
	    "rx err: and the next frame is fine");
	vif_free(v);

	v = vif_new(&rc, &feat_all);
	fp_queue(&v->v_port, NULL, g, 100);
	v->v_rx.sring->req_prod = NSLOT + 1;
	rv = ring_rx_ready(v->v_q);
	ok(rv == -1 && ring_error(v->v_q) != NULL,
	    "rx err: rx req_prod 257 ahead -> ready says -1 (%s)",
	    ring_error(v->v_q) != NULL ? ring_error(v->v_q) : "no error");
	v->v_q->rq_error = NULL;	/* internal: as after a reconnect */
	ok(ring_rx(v->v_q, &v->v_rp) == -1 && ring_error(v->v_q) != NULL &&
	    v->v_port.fp_nrecv == 0 && v->v_rx.sring->rsp_prod == 0,
	    "rx err: and ring_rx fails without touching the ring");
out:
	vif_free(v);
}

/* One copy hypercall and one notify per pass, or one each per frame. */
static void
t_rx_batch(void)
{
	static uint8_t f[300];
	static netif_rx_response_t r[NSLOT];
	static RING_IDX idx[NSLOT];
	const struct hv_counts *hc = hv_counts(bhv);
	struct ring_config rc;
	struct tvif *v;
	unsigned int k, n, ev, passes, bad = 0;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_nosg);
	if (!ok(v->v_ok, "rx batch: vif connects"))
		goto out;
	frx_post(v, 100);
	for (k = 0; k < 64; k++) {
		fill(f, 100 + k, k + 40);
		fp_queue(&v->v_port, NULL, f, 100 + k);
	}
	rv = run_rx(v, &passes);
	n = frx_rsps(v, r, idx, NSLOT);
	for (k = 0; k < n; k++) {
		fill(f, 100 + k, k + 40);
		if (idx[k] != k || r[k].id != rxid(k) ||
		    r[k].status != (int16_t)(100 + k) ||
		    memcmp(rxpage(k), f, 100 + k) != 0)
			bad++;
	}
	ok(rv == 0 && n == 64 && bad == 0,
	    "rx batch: 64 frames in their slots, byte-exact");
	ok(vst(v)->rs_hcalls[HV_CALL_COPY] == 1 &&
	    hc->hc_calls[HV_CALL_COPY] == 1 && hc->hc_copy_segs == 64,
	    "rx batch: 1 copy hypercall (engine %ju, hv %ju)",
	    (uintmax_t)vst(v)->rs_hcalls[HV_CALL_COPY],
	    (uintmax_t)hc->hc_calls[HV_CALL_COPY]);
	ok(vst(v)->rs_notify_rx == 1 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 1 &&
	    guest_events(v->v_gport_rx) == 1,
	    "rx batch: 1 notify, seen by the guest");
	ok(vst(v)->rs_rx_hist[6] == 1 &&
	    vst(v)->rs_rx_packets == 64,
	    "rx batch: one 64-frame pass in the histogram (%u passes)",
	    passes);
	ok(v->v_port.fp_nrelease == passes && v->v_port.fp_nlent == 0,
	    "rx batch: the port gets its 64 buffers back at once, after the "
	    "copies, and hears of each pass's end (%u releases, %u passes)",
	    v->v_port.fp_nrelease, passes);
	vif_free(v);

	/*
	 * Fewer buffers posted than frames wait: the rest stay in the
	 * port, untaken, and go when the guest posts again.
	 */
	ring_config_default(&rc);
	v = vif_new(&rc, &feat_nosg);
	frx_post(v, 2);
	for (k = 0; k < 3; k++) {
		fill(f, 80, k + 7);
		fp_queue(&v->v_port, NULL, f, 80);
	}
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	ok(rv == 0 && n == 2 && v->v_port.fp_nrecv == 2 &&
	    v->v_port.fp_qtail - v->v_port.fp_qhead == 1 &&
	    vst(v)->rs_drops[RING_DROP_RX_SIZE] == 0,
	    "rx: 3 frames, 2 buffers: 2 delivered, 1 left in the port");
	frx_post(v, 1);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	fill(f, 80, 9);
	ok(rv == 0 && n == 1 && r[0].status == 80 &&
	    memcmp(rxpage(idx[0]), f, 80) == 0 && v->v_port.fp_nrecv == 3,
	    "rx: the held frame is delivered, intact, once a buffer comes");
	vif_free(v);

	rc.rc_rx_batch = 1;
	rc.rc_copy_batch = 1;
	rc.rc_notify = RING_NOTIFY_PACKET;
	v = vif_new(&rc, &feat_nosg);
	frx_post(v, 100);
	fill(f, 200, 41);
	for (k = 0; k < 64; k++)
		fp_queue(&v->v_port, NULL, f, 200);
	ev = n = passes = 0;
	do {
		rv = ring_rx(v->v_q, &v->v_rp);
		n += frx_rsps(v, r + n, idx + n, NSLOT - n);
		ev += (unsigned int)guest_events(v->v_gport_rx);
	} while (rv == 1 && ++passes < 1000);
	ok(rv == 0 && n == 64 && vst(v)->rs_rx_packets == 64,
	    "rx unbatched: 64 frames received");
	ok(vst(v)->rs_hcalls[HV_CALL_COPY] == 64 &&
	    hc->hc_calls[HV_CALL_COPY] == 64,
	    "rx unbatched: 64 copy hypercalls (hv %ju)",
	    (uintmax_t)hc->hc_calls[HV_CALL_COPY]);
	ok(vst(v)->rs_hcalls[HV_CALL_NOTIFY] == 64 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 64 && ev == 64,
	    "rx unbatched: 64 notifies, 64 guest events (%u)", ev);
	ok(v->v_port.fp_nrelease >= 64 && v->v_port.fp_nlent == 0,
	    "rx unbatched: buffers given back after every frame (%u)",
	    v->v_port.fp_nrelease);
	vif_free(v);

	ring_config_default(&rc);
	rc.rc_copy_batch = 16;
	v = vif_new(&rc, &feat_nosg);
	frx_post(v, 100);
	for (k = 0; k < 64; k++)
		fp_queue(&v->v_port, NULL, f, 200);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	ok(rv == 0 && n == 64 && hc->hc_calls[HV_CALL_COPY] == 4 &&
	    vst(v)->rs_hcalls[HV_CALL_COPY] == 4 &&
	    hc->hc_calls[HV_CALL_NOTIFY] == 1,
	    "rx copy-batch 16: 64 frames in 4 copy hypercalls, 1 notify");
out:
	vif_free(v);
}

/* Rounds of frames with the buffers re-posted: the rx indexes wrap. */
static void
t_rx_wrap(void)
{
	static uint8_t f[2000];
	static netif_rx_response_t r[NSLOT];
	static RING_IDX idx[NSLOT];
	struct ring_config rc;
	struct tvif *v;
	unsigned int round, k, n, bad = 0, total = 0;
	RING_IDX base;
	size_t len;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_nosg);
	if (!ok(v->v_ok, "rx wrap: vif connects"))
		goto out;
	for (round = 0; round < 4; round++) {
		base = v->v_rx.req_prod_pvt;
		frx_post(v, 200);
		for (k = 0; k < 200; k++) {
			len = 60 + (round * 200 + k) * 13 % 1900;
			fill(f, len, round * 200 + k);
			fp_queue(&v->v_port, NULL, f, len);
		}
		if (run_rx(v, NULL) != 0)
			bad++;
		n = frx_rsps(v, r, idx, NSLOT);
		if (n != 200)
			bad++;
		for (k = 0; k < n; k++) {
			len = 60 + (round * 200 + k) * 13 % 1900;
			fill(f, len, round * 200 + k);
			if (idx[k] != base + k || r[k].id != rxid(base + k) ||
			    r[k].status != (int16_t)len ||
			    memcmp(rxpage(base + k), f, len) != 0)
				bad++;
		}
		total += n;
	}
	ok(total == 800 && v->v_q->rq_rx.req_cons == 800 &&
	    v->v_rx.sring->rsp_prod == 800,
	    "rx wrap: 800 frames through the 256-slot ring");
	ok(bad == 0, "rx wrap: every frame in its slot with its id, exact");
out:
	vif_free(v);
}

/*
 * rp_recv hook: the frontend takes the responses published so far and
 * posts as many fresh buffers, as netfront does from its poll loop on
 * every notification.
 */
static void
refill_hook(void *arg)
{
	struct refill *rf = arg;
	static netif_rx_response_t r[NSLOT];
	static RING_IDX idx[NSLOT];
	unsigned int n, k;

	n = frx_rsps(rf->rf_v, r, idx, NSLOT);
	for (k = 0; k < n; k++)
		if (r[k].id != rxid(idx[k]) || r[k].status < 0)
			rf->rf_bad++;
	rf->rf_nrsp += n;
	if (n > 0)
		frx_post(rf->rf_v, n);
}

/* rp_recv hook: publish two more requests without reading anything. */
static void
bump_hook(void *arg)
{
	struct tvif *v = arg;

	if (v->v_rx.sring->req_prod != 0)
		v->v_rx.sring->req_prod += 2;
}

/*
 * A frontend that refills its rx ring while the backend works: with
 * notify packet every frame is published at once, so one pass can
 * consume far more than a ring's worth of requests.  The engine must
 * not keep more pending responses than it has room for.
 */
static void
t_rx_refill(void)
{
	static uint8_t f[5000];
	struct ring_config rc;
	struct refill rf;
	struct tvif *v;
	unsigned int k;
	int rv;

	ring_config_default(&rc);
	rc.rc_rx_batch = 256;
	rc.rc_notify = RING_NOTIFY_PACKET;
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "refill: vif connects"))
		goto out;
	memset(&rf, 0, sizeof(rf));
	rf.rf_v = v;
	v->v_port.fp_hook = refill_hook;
	v->v_port.fp_hookarg = &rf;
	frx_post(v, NSLOT);
	fill(f, 5000, 50);
	for (k = 0; k < 256; k++)
		fp_queue(&v->v_port, NULL, f, 5000);
	rv = ring_rx(v->v_q, &v->v_rp);
	refill_hook(&rf);
	ok(v->v_port.fp_nrecv == 256 && v->v_q->rq_rx.req_cons == 512,
	    "refill: one pass of 256 two-slot frames used 512 requests");
	ok(rv == 1 && rf.rf_nrsp == 512 && rf.rf_bad == 0 &&
	    vst(v)->rs_rx_packets == 256,
	    "refill: all 512 responses good, in their slots");
	vif_free(v);

	/*
	 * A hostile frontend moving req_prod on during a batched pass
	 * without taking responses: never more than a ring ahead of the
	 * engine, so it is not caught, and must not make it overrun.
	 */
	ring_config_default(&rc);
	rc.rc_rx_batch = 256;
	v = vif_new(&rc, &feat_all);
	v->v_port.fp_hook = bump_hook;
	v->v_port.fp_hookarg = v;
	frx_post(v, NSLOT);
	for (k = 0; k < 256; k++)
		fp_queue(&v->v_port, NULL, f, 5000);
	rv = ring_rx(v->v_q, &v->v_rp);
	ok(rv == 1 && ring_error(v->v_q) == NULL &&
	    v->v_port.fp_nrecv == 256 && v->v_q->rq_rx.req_cons == 512 &&
	    v->v_rx.sring->rsp_prod == 512,
	    "bump: 512 requests in one batched pass, no overrun");
	ok(vst(v)->rs_rx_packets +
	    vst(v)->rs_drops[RING_DROP_RX_COPY] == 256,
	    "bump: every frame answered (%ju good, %ju on garbage grefs)",
	    (uintmax_t)vst(v)->rs_rx_packets,
	    (uintmax_t)vst(v)->rs_drops[RING_DROP_RX_COPY]);
out:
	vif_free(v);
}


/*
 * Every legal frontend is served: one keeping 16 single-page buffers
 * posted gets every frame that fits in them; a frame that does not is
 * held until its stall timer, then dropped, and so are the ones behind
 * it that do not fit, until one does; one that posts nothing has its
 * frames dropped and counted; a bad, revoked or read-only grant costs
 * its frame's slots only; an overlong port read is dropped before it
 * is laid out.
 */
/*
 * xdp-headroom: the first slot of each frame starts that far into its
 * buffer, the rest follows in whole pages; frames come out intact; one
 * that does not fit the first buffer without feature-sg is dropped.
 */
static void
t_rx_headroom(void)
{
	static uint8_t f[RING_FRAME_MAX], g[RING_FRAME_MAX];
	static const size_t sizes[] = { 60, 1514, 3840, 3841, 9000,
	    RING_FRAME_MAX };
	struct netif_extra_info ex;
	struct ring_config rc;
	struct ring_features rf = feat_all;
	struct tvif *v;
	unsigned int ns, k, bad = 0, slots = 0;
	size_t len;
	RING_IDX at = 0;
	int rv;

	ring_config_default(&rc);
	rf.rf_headroom = RING_RX_HEADROOM_LIMIT;
	v = vif_new(&rc, &rf);
	ok(!v->v_ok, "headroom: ring_connect refuses a headroom of a page");
	vif_free(v);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "headroom: vif connects (sg)"))
		goto out;
	ok(ring_set_headroom(v->v_q, RING_RX_HEADROOM_LIMIT) == -1 &&
	    errno == EINVAL, "headroom: a page of it is refused (EINVAL)");
	ok(ring_set_headroom(v->v_q, 256) == 0, "headroom: 256 is taken");
	frx_headroom = 256;
	frx_post(v, 64);
	for (k = 0; k < 6; k++) {
		fill(f, sizes[k], 70 + k);
		fp_queue(&v->v_port, NULL, f, sizes[k]);
	}
	rv = run_rx(v, NULL);
	for (k = 0; k < 6; k++) {
		fill(f, sizes[k], 70 + k);
		if (frx_frame(v, &at, g, &len, &ex, &ns) == -1 ||
		    len != sizes[k] || memcmp(f, g, len) != 0)
			bad++;
		slots += ns;
	}
	/* 3840 fits the first slot, 3841 takes two, 9000 three */
	ok(rv == 0 && bad == 0 && vst(v)->rs_rx_packets == 6 &&
	    slots == 1 + 1 + 1 + 2 + 3 + 1 + (RING_FRAME_MAX - 3840 +
	    XN_RING_PAGE - 1) / XN_RING_PAGE,
	    "headroom 256: 6 frames from 60 octets to the largest intact, "
	    "each at offset 256 (%u slots)", slots);
	ok(ring_set_headroom(v->v_q, 4095) == 0, "headroom: 4095 is taken");
	frx_headroom = 4095;
	fill(f, 1514, 80);
	fp_queue(&v->v_port, NULL, f, 1514);
	rv = run_rx(v, NULL);
	ok(rv == 0 && frx_frame(v, &at, g, &len, &ex, &ns) == 0 &&
	    len == 1514 && memcmp(f, g, len) == 0 && ns == 2,
	    "headroom 4095: 1 octet in the first slot, the rest in the next");
	vif_free(v);

	v = vif_new(&rc, &feat_nosg);
	if (!ok(v->v_ok, "headroom: vif connects (no sg)"))
		goto out;
	ring_set_headroom(v->v_q, 256);
	frx_headroom = 256;
	frx_post(v, 8);
	at = 0;
	fill(f, 3840, 81);
	fp_queue(&v->v_port, NULL, f, 3840);
	fill(g, 3841, 82);
	fp_queue(&v->v_port, NULL, g, 3841);
	rv = run_rx(v, NULL);
	ok(rv == 0 && frx_frame(v, &at, g, &len, &ex, &ns) == 0 &&
	    len == 3840 && memcmp(f, g, len) == 0 &&
	    vst(v)->rs_drops[RING_DROP_RX_SIZE] == 1 &&
	    v->v_rx.sring->rsp_prod == 1,
	    "headroom without sg: 3840 octets fit after 256, 3841 dropped "
	    "(rx_size)");
out:
	frx_headroom = 0;
	vif_free(v);
}

/*
 * A frontend that posts nothing while a frame waits stalls after
 * rc_rx_stall_ms: its carrier goes off, frames are dropped at once
 * (rx_carrier), it is asked to notify its next request; one request
 * brings the carrier back.
 */
static void
t_rx_carrier(void)
{
	static uint8_t f[2000];
	struct ring_config rc;
	struct tvif *v;
	unsigned int k;
	int rv;

	ring_config_default(&rc);
	ok(rc.rc_rx_stall_ms == RING_RX_CARRIER_MS,
	    "carrier: rx-stall-timeout defaults to %u ms", RING_RX_CARRIER_MS);
	rc.rc_rx_stall_ms = 50;
	ok(ring_new(NULL, 1, &rc) == NULL && errno == EINVAL,
	    "carrier: a timeout under %u ms is refused", RING_RX_CARRIER_MIN);
	rc.rc_rx_stall_ms = RING_RX_CARRIER_MIN;
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "carrier: vif connects"))
		goto out;
	ok(ring_rx_carrier(v->v_q) == 1 && ring_rx_carrier_ms(v->v_q) == -1,
	    "carrier: on, no stall timer without a held frame");
	fill(f, 1514, 90);
	for (k = 0; k < 5; k++)
		fp_queue(&v->v_port, NULL, f, 1514);
	rv = run_rx(v, NULL);
	ok(rv == 0 && v->v_port.fp_nrecv == 0 &&
	    ring_rx_carrier_ms(v->v_q) > 0 &&
	    ring_rx_carrier_ms(v->v_q) <= (int)RING_RX_CARRIER_MIN,
	    "carrier: a frame is held, the stall timer runs (%d ms)",
	    ring_rx_carrier_ms(v->v_q));
	v->v_q->rq_rx_posted_at = 1;	/* internal: its time is up */
	ok(ring_rx_carrier_ms(v->v_q) == 0 && ring_rx_ready(v->v_q) == 1 &&
	    ring_rx_carrier(v->v_q) == 0 &&
	    vst(v)->rs_rx_carrier_off == 1 &&
	    v->v_rx.sring->req_event == v->v_rx.req_prod_pvt + 1,
	    "carrier: stalled: off, counted, the port is read, the frontend "
	    "asked to notify its next request");
	ok(ring_rx_carrier_ms(v->v_q) == -1,
	    "carrier: no stall timer while off");
	rv = run_rx(v, NULL);
	ok(rv == 0 && v->v_port.fp_nrecv == 5 && v->v_port.fp_nlent == 0 &&
	    vst(v)->rs_drops[RING_DROP_RX_CARRIER] == 5 &&
	    vst(v)->rs_drops[RING_DROP_RX_STALL] == 0 &&
	    v->v_rx.sring->rsp_prod == 0,
	    "carrier: off: the 5 frames are dropped at once (rx_carrier)");
	frx_post(v, 1);
	ok(ring_rx_ready(v->v_q) == 1 && ring_rx_carrier(v->v_q) == 1 &&
	    vst(v)->rs_rx_carrier_on == 1,
	    "carrier: one request posted: on again, counted");
	fp_queue(&v->v_port, NULL, f, 1514);
	rv = run_rx(v, NULL);
	ok(rv == 0 && v->v_rx.sring->rsp_prod == 1 &&
	    vst(v)->rs_rx_packets == 1,
	    "carrier: frames flow again");
	vif_free(v);

	rc.rc_rx_stall_ms = 0;
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "carrier: vif with rx-stall-timeout 0 connects"))
		goto out;
	fp_queue(&v->v_port, NULL, f, 1514);
	run_rx(v, NULL);
	v->v_q->rq_rx_posted_at = 1;
	ok(ring_rx_carrier_ms(v->v_q) == -1 && ring_rx_ready(v->v_q) == 0 &&
	    ring_rx_carrier(v->v_q) == 1,
	    "carrier: timeout 0: never stalled");
out:
	vif_free(v);
}

static void
t_rx_few(void)
{
	static uint8_t f[RING_FRAME_MAX + 2], g[RING_FRAME_MAX];
	static netif_rx_response_t r[64];
	static RING_IDX idx[64];
	struct netif_extra_info ex;
	struct ring_config rc;
	struct tvif *v;
	unsigned int n, ns, k, bad;
	size_t len;
	RING_IDX at;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "few: vif connects (sg)"))
		goto out;
	frx_post(v, 16);
	fill(f, 60, 60);
	fp_queue(&v->v_port, NULL, f, 60);
	fill(f, 1514, 61);
	fp_queue(&v->v_port, NULL, f, 1514);
	fill(f, 9000, 62);
	fp_queue(&v->v_port, NULL, f, 9000);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	at = 0;
	bad = 0;
	for (k = 0; k < 3; k++) {
		fill(f, k == 0 ? 60 : k == 1 ? 1514 : 9000, 60 + k);
		if (frx_frame(v, &at, g, &len, &ex, &ns) == -1 ||
		    memcmp(f, g, len) != 0)
			bad++;
	}
	ok(rv == 0 && n == 5 && bad == 0 && vst(v)->rs_rx_packets == 3,
	    "few: 16 buffers posted: 60, 1514 and 9000 octets delivered");
	fill(g, RING_FRAME_MAX, 63);
	fp_queue(&v->v_port, NULL, g, RING_FRAME_MAX);
	fill(f, 100, 64);
	fp_queue(&v->v_port, NULL, f, 100);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 0 && v->v_port.fp_nrecv == 3 &&
	    ring_rx_ready(v->v_q) == 0 && ring_rx_stall_ms(v->v_q) > 0 &&
	    ring_rx_stall_ms(v->v_q) <= RING_RX_STALL_MS,
	    "few: the largest frame (17 slots) is held, the port not read, "
	    "its stall timer runs (%d ms)", ring_rx_stall_ms(v->v_q));
	v->v_q->rq_rx_stall_at = 1;	/* internal: its time is up */
	frx_post(v, 1);			/* but the frontend posted one */
	ok(ring_rx_ready(v->v_q) == 0 && ring_rx_stall_ms(v->v_q) > 0,
	    "few: a frontend that posts (12 of 17) restarts the stall timer");
	frx_post(v, 4);			/* 16 posted, as netfront keeps */
	ok(ring_rx_ready(v->v_q) == 0, "few: 16 of 17 do not do either");
	v->v_q->rq_rx_stall_at = 1;
	ok(ring_rx_stall_ms(v->v_q) == 0 && ring_rx_ready(v->v_q) == 1,
	    "few: when it posted nothing for its stall time the port is read "
	    "again");
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	at = 5;
	ok(rv == 0 && n == 1 && frx_frame(v, &at, g, &len, &ex, &ns) == 0 &&
	    len == 100 && memcmp(f, g, 100) == 0 &&
	    vst(v)->rs_drops[RING_DROP_RX_STALL] == 1 &&
	    ring_rx_stall_ms(v->v_q) == -1,
	    "few: it is dropped (rx_stall), the next frame fits and goes");
	vif_free(v);

	/* A frontend that posts nothing: dropped and counted, none held. */
	v = vif_new(&rc, &feat_all);
	for (k = 0; k < 10; k++)
		fp_queue(&v->v_port, NULL, f, 100);
	rv = run_rx(v, NULL);
	ok(rv == 0 && v->v_port.fp_nrecv == 0 && ring_rx_ready(v->v_q) == 0,
	    "none: no buffer posted: the first frame is held");
	v->v_q->rq_rx_stall_at = 1;
	rv = run_rx(v, NULL);
	ok(rv == 0 && v->v_port.fp_nrecv == 10 && v->v_port.fp_nlent == 0 &&
	    vst(v)->rs_drops[RING_DROP_RX_STALL] == 10 &&
	    v->v_rx.sring->rsp_prod == 0,
	    "none: after the stall all 10 are dropped (rx_stall), the port "
	    "keeps none");
	frx_post(v, 1);
	fp_queue(&v->v_port, NULL, f, 100);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 1 && r[0].status == 100 &&
	    ring_rx_stall_ms(v->v_q) == -1,
	    "none: once it posts a buffer, frames flow again");
	vif_free(v);

	/* Grants the copy refuses cost the frame's slots, not the vif. */
	v = vif_new(&rc, &feat_all);
	frx_post_ref(v, txgref[0]);	/* granted read-only */
	frx_post_ref(v, bad_ref);	/* revoked */
	frx_post_ref(v, 0xfffffff0U);	/* beyond the table */
	frx_post(v, 2);
	fill(f, 100, 65);
	for (k = 0; k < 4; k++)
		fp_queue(&v->v_port, NULL, f, k < 3 ? 100 : 5000);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	at = 3;
	ok(rv == 0 && n == 5 && r[0].status == NETIF_RSP_ERROR &&
	    r[1].status == NETIF_RSP_ERROR && r[2].status == NETIF_RSP_ERROR &&
	    r[0].id == rxid(0) && r[2].id == rxid(2) &&
	    frx_frame(v, &at, g, &len, &ex, &ns) == 0 && len == 5000,
	    "grant: read-only, revoked and out-of-range rx grants: "
	    "NETIF_RSP_ERROR in their slots, the next frame is fine");
	ok(vst(v)->rs_rx_bad_grant == 3 &&
	    vst(v)->rs_drops[RING_DROP_RX_COPY] == 3 &&
	    ring_error(v->v_q) == NULL,
	    "grant: counted rx_bad_grant 3 and rx_copy 3; no protocol error");
	vif_free(v);

	/* An overlong port read is dropped before it is laid out. */
	v = vif_new(&rc, &feat_all);
	frx_post(v, RING_RX_SLOTS_MAX);
	memset(f, 0x5a, sizeof(f));
	fp_queue(&v->v_port, NULL, f, RING_FRAME_MAX + 1);
	fp_queue(&v->v_port, NULL, f, 64);
	rv = run_rx(v, NULL);
	n = frx_rsps(v, r, idx, 64);
	ok(rv == 0 && n == 1 && r[0].status == 64 &&
	    vst(v)->rs_drops[RING_DROP_RX_SIZE] == 1 &&
	    rxpage(1)[0] == POISON,
	    "length: a %u-octet port read is dropped (rx_size), no slot "
	    "written; the next frame takes slot 0", RING_FRAME_MAX + 1);
out:
	vif_free(v);
}

/*
 * The credit arithmetic of ring-rate.c on a clock of our own: a packet
 * bigger than the credit left waits for the next period, credit comes
 * back per period and piles up to the burst, a 64 KiB GSO packet goes
 * even when a period brings far less.
 */
static void
t_rate_credit(void)
{
	const uint64_t t0 = 5000000000ULL, ms = 1000000ULL;
	const uint64_t gso = 65536 + PKT_ETH_HLEN + PKT_VLAN_LEN;
	struct ring_rate rr;
	int r1, r2, r3;

	memset(&rr, 0, sizeof(rr));
	ok(ring_rate_take(&rr, 1 << 20, t0) == 0,
	    "credit: no limit: any size goes");

	/* 1000 bytes per ms, a fresh period with its credit */
	rr.rr_bytes = 1000;
	rr.rr_period = ms;
	rr.rr_burst = RING_RATE_BURST_MIN;
	rr.rr_credit = 1000;
	rr.rr_window = t0;
	r1 = ring_rate_take(&rr, 600, t0);
	r2 = ring_rate_take(&rr, 600, t0 + 1);
	ok(r1 == 0 && r2 == -1 && rr.rr_credit == 400 &&
	    rr.rr_wait == t0 + ms,
	    "credit: 600 of 1000 go, the next 600 waits for t0 + period "
	    "(credit %ju)", (uintmax_t)rr.rr_credit);
	r1 = ring_rate_take(&rr, 600, t0 + ms - 1);
	r2 = ring_rate_take(&rr, 600, t0 + ms);
	ok(r1 == -1 && r2 == 0 && rr.rr_credit == 800 &&
	    rr.rr_window == t0 + ms,
	    "credit: not a ns early; at the period it goes (credit %ju)",
	    (uintmax_t)rr.rr_credit);

	/* 5000 bytes: 800 + 1000 per period; it goes at the fifth */
	r1 = ring_rate_take(&rr, 5000, t0 + 5 * ms + ms / 2);
	r2 = ring_rate_take(&rr, 5000, t0 + 6 * ms);
	ok(r1 == -1 && r2 == 0 && rr.rr_credit == 800,
	    "credit: a packet bigger than a period's credit waits until "
	    "credit piled up for it (%d %d, credit %ju)", r1, r2,
	    (uintmax_t)rr.rr_credit);

	/* idle for long: the credit is the burst, no more */
	r1 = ring_rate_take(&rr, 0, t0 + 3600000 * ms);
	ok(r1 == 0 && rr.rr_credit == RING_RATE_BURST_MIN,
	    "credit: after an hour idle it is the burst (%ju)",
	    (uintmax_t)rr.rr_credit);
	r1 = ring_rate_take(&rr, gso, t0 + 3600000 * ms);
	r2 = ring_rate_take(&rr, gso, t0 + 3600000 * ms);
	ok(r1 == 0 && r2 == -1,
	    "credit: the burst takes one 64 KiB GSO packet at once, not two");

	/* from empty, a GSO packet at 1000 bytes/ms goes after 66 ms */
	rr.rr_credit = 0;
	rr.rr_window = t0;
	r1 = ring_rate_take(&rr, gso, t0 + 65 * ms);
	r2 = ring_rate_take(&rr, gso, t0 + 66 * ms);
	ok(r1 == -1 && r2 == 0,
	    "credit: a 64 KiB GSO packet goes once 66 periods of 1000 "
	    "bytes came (%d %d)", r1, r2);

	/* a huge limit: no overflow, the burst is the limit itself */
	rr.rr_bytes = rr.rr_burst = 1ULL << 40;
	rr.rr_credit = 0;
	rr.rr_window = t0;
	r1 = ring_rate_take(&rr, gso, UINT64_MAX - ms);
	r3 = rr.rr_credit == (1ULL << 40) - gso;
	ok(r1 == 0 && r3, "credit: 2^40 bytes per period, after ages: the "
	    "burst, no overflow");
}

/*
 * The rate limit in a tx pass: the packet that does not fit stays in
 * the ring (not answered, not consumed), the pass says RING_TX_RATE
 * and when, the queue does not look busy to a poller; credit that came
 * back (a real 20 ms period) or a lifted limit lets the rest go.
 */
static void
t_tx_rate(void)
{
	static uint8_t pkt[600];
	static netif_tx_response_t r[NSLOT];
	struct ring_config rc;
	struct tvif *v;
	uint64_t wait;
	unsigned int n;
	int rv;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "rate: vif connects"))
		goto out;
	ring_set_rate(v->v_q, 1000, 20000);	/* 1000 bytes per 20 ms */
	fill(pkt, sizeof(pkt), 1);
	ftx_pkt(v, pkt, sizeof(pkt), 1, 0, 0, 1, NULL, 0);
	ftx_pkt(v, pkt, sizeof(pkt), 1, 0, 0, 2, NULL, 0);
	ftx_pkt(v, pkt, sizeof(pkt), 1, 0, 0, 3, NULL, 0);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	wait = ring_tx_rate_wait(v->v_q);
	n = ftx_rsps(v, r, NSLOT);
	ok(rv == RING_TX_RATE && n == 1 && v->v_port.fp_nsent == 1 &&
	    r[0].id == 1 && v->v_q->rq_tx.req_cons == 1,
	    "rate: 600 of 1000 bytes go, the second packet stays in the "
	    "ring (rv %d, %u answered)", rv, n);
	ok(wait > 0 && wait <= 20000000ULL,
	    "rate: credit comes back within the period (%ju ns)",
	    (uintmax_t)wait);
	ok(vst(v)->rs_tx_rate_waits == 1 && vst(v)->rs_tx_rate_bytes == 600,
	    "rate: one pass stopped for 600 bytes, counted");
	ok(ring_tx_waiting(v->v_q) == 0,
	    "rate: a queue waiting for credit has no work for a poller");
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(rv == RING_TX_RATE && ftx_rsps(v, r, NSLOT) == 0 &&
	    vst(v)->rs_tx_rate_waits == 2,
	    "rate: a pass before the credit moves nothing");
	usleep(25000);
	rv = run_tx(v, NULL);
	n = ftx_rsps(v, r, NSLOT);
	ok(rv == 0 && n == 2 && r[0].id == 2 && r[1].id == 3 &&
	    v->v_port.fp_nsent == 3 &&
	    fp_sent_is(&v->v_port, 2, pkt, sizeof(pkt), NULL),
	    "rate: a period later both waiting packets go, in order "
	    "(rv %d, %u answered)", rv, n);

	/* a lifted limit lets everything go at once */
	ring_set_rate(v->v_q, 1000, 20000);
	for (n = 0; n < 8; n++)
		ftx_pkt(v, pkt, sizeof(pkt), 1, 0, 0, (uint16_t)n, NULL, 0);
	ftx_push(v);
	rv = ring_tx(v->v_q, &v->v_rp);
	ok(rv == RING_TX_RATE && ftx_rsps(v, r, NSLOT) == 1,
	    "rate: a new limit starts with one period's credit");
	ring_set_rate(v->v_q, 0, 0);
	ok(ring_tx_rate_wait(v->v_q) == 0, "rate: no limit, no wait");
	rv = run_tx(v, NULL);
	ok(rv == 0 && ftx_rsps(v, r, NSLOT) == 7 &&
	    v->v_port.fp_nsent == 3 + 8,
	    "rate: the limit lifted, the 7 waiting packets go");
out:
	vif_free(v);
}

/*
 * ftx_mcast: one dummy request (size 0) carrying a MCAST_ADD or _DEL
 * extra for addr, id id, pushed and run; the request's response status.
 */
static int
ftx_mcast(struct tvif *v, uint8_t type, const uint8_t *addr, uint16_t id)
{
	struct netif_extra_info mc;
	netif_tx_response_t r[4];

	memset(&mc, 0, sizeof(mc));
	mc.type = type;
	memcpy(mc.u.mcast.addr, addr, 6);
	ftx_raw(v, txgref[10], 0, NETTXF_extra_info, id, 0);
	ftx_extra(v, &mc);
	ftx_push(v);
	if (run_tx(v, NULL) != 0 || ftx_rsps(v, r, 4) != 2 || r[0].id != id ||
	    r[1].status != NETIF_RSP_NULL)
		return (99);
	return (r[0].status);
}

/*
 * rx_to: queue a 100-octet frame to dst, post a buffer, run the rx
 * passes; 1 if the guest got it, 0 if not.
 */
static int
rx_to(struct tvif *v, const uint8_t *dst)
{
	static uint8_t f[100];
	uint64_t before = vst(v)->rs_rx_packets;

	fill(f, sizeof(f), 31);
	memcpy(f, dst, 6);
	fp_queue(&v->v_port, NULL, f, sizeof(f));
	frx_post(v, 1);
	run_rx(v, NULL);
	return (vst(v)->rs_rx_packets == before + 1);
}

/* netif.h "feature-multicast-control": the filter and its amendments. */
static void
t_mcast(void)
{
	static const uint8_t mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	static const uint8_t other[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ucast[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02 };
	netif_rx_response_t r[NSLOT];
	RING_IDX idx[NSLOT];
	struct ring_mcast *m;
	struct ring_config rc;
	struct tvif *v;
	uint8_t a[6];
	unsigned int i, n, good;
	int on, st;

	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if ((m = ring_mcast_new()) == NULL)
		abort();
	if (!ok(v->v_ok, "mcast filter: vif connects"))
		goto out;
	ring_set_mcast(v->v_q, m);
	ring_mcast_reset(m, 1);
	ok(rx_to(v, ucast) && rx_to(v, bcast) && !rx_to(v, mdns) &&
	    vst(v)->rs_drops[RING_DROP_RX_MCAST] == 1,
	    "mcast filter: on and empty: unicast and broadcast pass, a group "
	    "is dropped (rx_mcast)");
	st = ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, mdns, 200);
	ring_mcast_info(m, &on, &n);
	ok(st == NETIF_RSP_OKAY && n == 1 && vst(v)->rs_mcast_add == 1 &&
	    v->v_port.fp_nsent == 0,
	    "mcast filter: a dummy MCAST_ADD is applied, answered OKAY, "
	    "nothing sent to the port");
	ok(rx_to(v, mdns) && !rx_to(v, other) &&
	    vst(v)->rs_drops[RING_DROP_RX_MCAST] == 2,
	    "mcast filter: the listed group passes, another is dropped");
	ring_mcast_enable(m, 0);
	ok(rx_to(v, other), "mcast filter: off (request-multicast-control "
	    "0): every group floods");
	ring_mcast_enable(m, 1);
	ok(ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, ucast, 201) ==
	    NETIF_RSP_ERROR && vst(v)->rs_mcast_refused == 1,
	    "mcast filter: adding a unicast address: ERROR, counted refused");
	for (good = 0, i = 1; i < RING_MCAST_MAX; i++) {
		memcpy(a, other, 6);
		a[4] = (uint8_t)i;
		good += ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, a,
		    (uint16_t)(300 + i)) == NETIF_RSP_OKAY;
	}
	ring_mcast_info(m, &on, &n);
	ok(good == RING_MCAST_MAX - 1 && n == RING_MCAST_MAX,
	    "mcast filter: %u groups fit (%u)", RING_MCAST_MAX, n);
	ok(ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, other, 400) ==
	    NETIF_RSP_ERROR && vst(v)->rs_mcast_refused == 2,
	    "mcast filter: one more: ERROR (list full, as Linux)");
	ok(ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, mdns, 401) ==
	    NETIF_RSP_OKAY, "mcast filter: a group already listed: OKAY");
	ok(ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_DEL, mdns, 402) ==
	    NETIF_RSP_OKAY && !rx_to(v, mdns) &&
	    vst(v)->rs_mcast_del == 1,
	    "mcast filter: MCAST_DEL removes it: OKAY, then dropped");
	ok(ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_DEL, mdns, 403) ==
	    NETIF_RSP_OKAY, "mcast filter: deleting an absent group: OKAY");
	ok(ftx_mcast(v, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, other, 404) ==
	    NETIF_RSP_OKAY && rx_to(v, other),
	    "mcast filter: a freed place takes a new group");
	n = frx_rsps(v, r, idx, NSLOT);
	for (good = 0, i = 0; i < n; i++)
		good += r[i].status == 100;
	ok(good == n && n == vst(v)->rs_rx_packets,
	    "mcast filter: every frame given was whole (%u)", n);
	ring_mcast_reset(m, 0);
	ring_mcast_info(m, &on, &n);
	ok(on == 0 && n == 0 && rx_to(v, mdns),
	    "mcast filter: a reset empties the list");
out:
	vif_free(v);
	ring_mcast_free(m);
}

/* netif.h XEN_NETIF_EXTRA_TYPE_HASH on rx responses. */
static void
t_rx_hash(void)
{
	const uint8_t *key = toeplitz_ms_key;
	/* mk_tcp4: 10.0.0.1 -> 10.0.0.2, ports 40000 -> 5001 */
	static const uint8_t in[12] = { 10, 0, 0, 1, 10, 0, 0, 2,
	    0x9c, 0x40, 0x13, 0x89 };
	static uint8_t f[10000];
	netif_rx_response_t r[NSLOT];
	RING_IDX idx[NSLOT];
	struct netif_extra_info hx, gx;
	struct ring_hash rh;
	struct xn_vnet_hdr vh;
	struct ring_config rc;
	struct tvif *v;
	uint32_t want, got;
	unsigned int n;
	size_t len;

	want = toeplitz_hash(key, 40, in, 12);
	memset(&rh, 0, sizeof(rh));
	rh.rh_alg = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4 |
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	memcpy(rh.rh_key, key, 40);
	rh.rh_keylen = 40;
	ring_config_default(&rc);
	v = vif_new(&rc, &feat_all);
	if (!ok(v->v_ok, "rx hash: vif connects"))
		goto out;
	ring_set_hash(v->v_q, &rh);
	len = mk_tcp4(f, 100, 1);
	fp_queue(&v->v_port, NULL, f, len);
	frx_post(v, 2);
	run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	memcpy(&hx, &r[1], sizeof(hx));
	got = (uint32_t)hx.u.hash.value[0] | (uint32_t)hx.u.hash.value[1] << 8 |
	    (uint32_t)hx.u.hash.value[2] << 16 |
	    (uint32_t)hx.u.hash.value[3] << 24;
	ok(n == 2 && r[0].status == (int16_t)len &&
	    (r[0].flags & NETRXF_extra_info) && hx.type ==
	    XEN_NETIF_EXTRA_TYPE_HASH && hx.flags == 0 &&
	    hx.u.hash.type == _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP &&
	    hx.u.hash.algorithm == XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ &&
	    got == want, "rx hash: slot 1 holds the hash extra: IPV4_TCP, "
	    "Toeplitz, value LSB first (%#x, want %#x)", got, want);
	ok(vst(v)->rs_rx_hash == 1, "rx hash: counted rx_hash");

	memset(&vh, 0, sizeof(vh));
	vh.vh_flags = XN_VNET_F_NEEDS_CSUM;
	vh.vh_gso_type = XN_VNET_GSO_TCPV4;
	vh.vh_gso_size = 1448;
	vh.vh_hdr_len = 54;
	vh.vh_csum_start = 34;
	vh.vh_csum_offset = 16;
	len = mk_tcp4(f, 6000, 2);
	fp_queue(&v->v_port, &vh, f, len);
	frx_post(v, 3);
	ok(run_rx(v, NULL) == 0 && frx_rsps(v, r, idx, NSLOT) == 0,
	    "rx hash: a 2-page GSO frame waits for 4 slots, not 3");
	frx_post(v, 1);
	run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	memcpy(&gx, &r[1], sizeof(gx));
	memcpy(&hx, &r[2], sizeof(hx));
	ok(n == 4 && gx.type == XEN_NETIF_EXTRA_TYPE_GSO &&
	    gx.flags == XEN_NETIF_EXTRA_FLAG_MORE &&
	    hx.type == XEN_NETIF_EXTRA_TYPE_HASH && hx.flags == 0 &&
	    r[3].status == (int16_t)(len - 4096) && r[0].status == 4096,
	    "rx hash: with GSO: data, GSO extra (MORE), hash extra, data");

	ring_set_hash(v->v_q, NULL);
	len = mk_tcp4(f, 100, 3);
	fp_queue(&v->v_port, NULL, f, len);
	frx_post(v, 1);
	run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	ok(n == 1 && !(r[0].flags & NETRXF_extra_info) &&
	    vst(v)->rs_rx_hash == 2,
	    "rx hash: hashing off again: no extra");
out:
	vif_free(v);
	v = vif_new(&rc, &feat_nosg);
	if (!ok(v->v_ok, "rx hash: vif connects (no sg)"))
		goto out2;
	ring_set_hash(v->v_q, &rh);
	len = mk_tcp4(f, 100, 4);
	fp_queue(&v->v_port, NULL, f, len);
	frx_post(v, 1);
	ok(run_rx(v, NULL) == 0 && frx_rsps(v, r, idx, NSLOT) == 0,
	    "rx hash: without sg a hashed frame still needs 2 slots");
	frx_post(v, 1);
	run_rx(v, NULL);
	n = frx_rsps(v, r, idx, NSLOT);
	memcpy(&hx, &r[1], sizeof(hx));
	ok(n == 2 && hx.type == XEN_NETIF_EXTRA_TYPE_HASH,
	    "rx hash: and gets them");
out2:
	vif_free(v);
}

/* Steering: a frame goes to the queue its hash maps to (ring_set_peers). */
static void
t_rx_steer(void)
{
	static uint8_t f[2000];
	netif_rx_response_t r[NSLOT];
	RING_IDX idx[NSLOT];
	struct ring_queue *peers[2];
	struct ring_hash rh;
	struct ring_config rc;
	struct tvif *v0, *v1;
	unsigned int i, n;
	size_t len;

	ring_config_default(&rc);
	v0 = vif_new(&rc, &feat_all);
	v1 = vif_new_on(&rc, &feat_all, FR_SPARE + 1, FR_SPARE + 2);
	if (!ok(v0->v_ok && v1->v_ok, "steer: two queues connect"))
		goto out;
	memset(&rh, 0, sizeof(rh));
	rh.rh_alg = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	rh.rh_keylen = 4;
	memset(rh.rh_key, 0x5a, 4);
	rh.rh_mapsize = 1;
	rh.rh_map[0] = 1;		/* everything to queue 1 */
	peers[0] = v0->v_q;
	peers[1] = v1->v_q;
	ring_set_peers(v0->v_q, peers, 2, 0);
	ring_set_peers(v1->v_q, peers, 2, 1);
	ring_set_hash(v0->v_q, &rh);
	ring_set_hash(v1->v_q, &rh);
	for (i = 0; i < 3; i++) {
		len = mk_tcp4(f, 200, 40 + i);
		fp_queue(&v0->v_port, NULL, f, len);
	}
	/* queue 1's buffers: pages of its own (the second half) */
	for (i = 0; i < 4; i++)
		frx_post_ref(v1, rxgref[NSLOT / 2 + i]);
	RING_PUSH_REQUESTS(&v1->v_rx);
	run_rx(v0, NULL);
	n = frx_rsps(v1, r, idx, NSLOT);
	ok(vst(v0)->rs_rx_steered == 2 &&
	    vst(v0)->rs_drops[RING_DROP_RX_STEER] == 1 &&
	    vst(v0)->rs_rx_packets == 0,
	    "steer: a table of one entry, queue 1: queue 0's frames go to "
	    "queue 1, the one it has no room for is dropped (rx_steer)");
	len = mk_tcp4(f, 200, 41);	/* the second frame */
	ok(n == 4 && vst(v1)->rs_rx_packets == 2 && r[0].status ==
	    (int16_t)len && (r[0].flags & NETRXF_extra_info) &&
	    r[2].status == (int16_t)len &&
	    memcmp(rxpage(NSLOT / 2 + 2), f, len) == 0,
	    "steer: queue 1's guest got both, with their hash extras");
	ok(guest_events(v1->v_gport_rx) >= 1 &&
	    v0->v_rx.sring->rsp_prod == 0,
	    "steer: queue 1's frontend is notified, queue 0's ring untouched");
	rh.rh_map[0] = 0;
	ring_set_hash(v0->v_q, &rh);
	fp_queue(&v0->v_port, NULL, f, len);
	frx_post(v0, 2);
	run_rx(v0, NULL);
	ok(vst(v0)->rs_rx_packets == 1 && vst(v0)->rs_rx_steered == 2,
	    "steer: a changed table keeps the flow on queue 0");
	rh.rh_map[0] = 1;
	ring_set_hash(v0->v_q, &rh);
	ring_set_peers(v0->v_q, NULL, 0, 0);
	fp_queue(&v0->v_port, NULL, f, len);
	frx_post(v0, 2);
	run_rx(v0, NULL);
	ok(vst(v0)->rs_rx_packets == 2 && vst(v0)->rs_rx_steered == 2,
	    "steer: without peers nothing is steered");
out:
	vif_free(v0);
	vif_free(v1);
}

int
main(void)
{

	if (rundir_mkdir(simdir) == -1) {
		skip_all("mkdtemp failed");
		return (0);
	}
	if (setup() == -1) {
		printf("Bail out! sim setup: %s\n", strerror(errno));
		return (1);
	}
	t_config();
	t_tx_basic();
	t_tx_slots();
	t_tx_fatal();
	t_events();
	t_tx_sizes();
	t_tx_offload();
	t_tx_extras();
	t_tx_grant();
	t_tx_wrap();
	t_resync();
	t_tx_incomplete();
	t_tx_batch();
	t_rate_credit();
	t_tx_rate();
	t_rx_basic();
	t_rx_sg();
	t_rx_offload();
	t_rx_errors();
	t_rx_batch();
	t_rx_wrap();
	t_rx_refill();
	t_rx_few();
	t_rx_headroom();
	t_rx_carrier();
	t_mcast();
	t_rx_hash();
	t_rx_steer();
	return (done_testing());
}
