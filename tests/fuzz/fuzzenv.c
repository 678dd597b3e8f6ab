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

/* fuzzenv: the simulated guest and host port the ring harnesses use. */

#include <sys/types.h>
#include <sys/uio.h>

#include <stdlib.h>
#include <string.h>

#include "hv.h"
#include "hv-mem.h"
#include "fuzzenv.h"

#define FZ_GUEST	9
/* frames: two ring pages, FZ_NSLOT tx data, FZ_NSLOT rx data, a spare */
#define FZ_FR_TXRING	0
#define FZ_FR_RXRING	1
#define FZ_FR_TXDATA	2
#define FZ_FR_RXDATA	(FZ_FR_TXDATA + FZ_NSLOT)
#define FZ_FR_SPARE	(FZ_FR_RXDATA + FZ_NSLOT)
#define FZ_NPAGES	(FZ_FR_SPARE + 1)
/* the guest's event channels: any ports, hv-mem binds them all */
#define FZ_GTXPORT	5
#define FZ_GRXPORT	6

static struct fz	 fz_world;
static struct hv_memdom	*fz_md;
static struct hv	*fz_bhv;
static uint32_t		 fz_txring_ref, fz_rxring_ref;
static int		 fz_made;

static int	fz_send(void *, const struct iovec *, int);
static ssize_t	fz_peek(void *, uint8_t **);
static void	fz_take(void *);
static void	fz_release(void *);
static int	fz_grant(uint32_t, int, uint32_t *);
static void	fz_make(void);

/* fz_grant: grant frame to dom0 (read-only if ro); 0 or -1. */
static int
fz_grant(uint32_t frame, int ro, uint32_t *ref)
{
	int r;

	if ((r = hv_memdom_grant(fz_md, frame, ro)) == -1)
		return (-1);
	*ref = (uint32_t)r;
	return (0);
}

/*
 * fz_make: the guest lives in this process's memory (hv-mem.c): no
 * files, sockets or processes, so an input costs microseconds.
 */
static void
fz_make(void)
{
	struct fz *f = &fz_world;
	uint32_t i, spare;

	if ((fz_md = hv_memdom_new(FZ_GUEST, FZ_NPAGES)) == NULL ||
	    (fz_bhv = hv_mem_open(fz_md)) == NULL ||
	    fz_grant(FZ_FR_TXRING, 0, &fz_txring_ref) == -1 ||
	    fz_grant(FZ_FR_RXRING, 0, &fz_rxring_ref) == -1)
		abort();
	/* as netfront: tx data read-only, rx buffers writable */
	for (i = 0; i < FZ_NSLOT; i++) {
		if (fz_grant(FZ_FR_TXDATA + i, 1, &f->fz_txgref[i]) == -1 ||
		    fz_grant(FZ_FR_RXDATA + i, 0, &f->fz_rxgref[i]) == -1)
			abort();
		f->fz_txdata[i] = hv_memdom_page(fz_md, FZ_FR_TXDATA + i);
		f->fz_rxdata[i] = hv_memdom_page(fz_md, FZ_FR_RXDATA + i);
	}
	if (fz_grant(FZ_FR_SPARE, 0, &spare) == -1 ||
	    hv_memdom_ungrant(fz_md, spare) == -1)
		abort();
	f->fz_badref = spare;
	f->fz_txs = (netif_tx_sring_t *)hv_memdom_page(fz_md, FZ_FR_TXRING);
	f->fz_rxs = (netif_rx_sring_t *)hv_memdom_page(fz_md, FZ_FR_RXRING);
	f->fz_port.rp_arg = f;
	f->fz_port.rp_send = fz_send;
	f->fz_port.rp_flush = NULL;
	f->fz_port.rp_peek = fz_peek;
	f->fz_port.rp_take = fz_take;
	f->fz_port.rp_release = fz_release;
	fz_made = 1;
}

struct fz *
fz_get(void)
{
	if (!fz_made)
		fz_make();
	return (&fz_world);
}

int
fz_connect(struct fz *f, const struct ring_config *rc,
    const struct ring_features *rf)
{

	fz_end(f);
	if (f->fz_rq == NULL) {
		if ((f->fz_rq = ring_new(fz_bhv, FZ_GUEST, rc)) == NULL)
			abort();
	} else {
		ring_disconnect(f->fz_rq);
		if (ring_set_config(f->fz_rq, rc) == -1)
			return (-1);
	}
	memset(f->fz_txs, 0, XN_RING_PAGE);
	memset(f->fz_rxs, 0, XN_RING_PAGE);
	SHARED_RING_INIT(f->fz_txs);
	SHARED_RING_INIT(f->fz_rxs);
	return (ring_connect(f->fz_rq, fz_txring_ref, fz_rxring_ref,
	    FZ_GTXPORT, FZ_GRXPORT, rf));
}

void
fz_end(struct fz *f)
{
	fz_release(f);
	free(f->fz_peeked);
	f->fz_peeked = NULL;
	f->fz_nframes = f->fz_next = 0;
}

uint32_t
fz_ref(struct fz *f, const uint8_t *p, int writable)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	switch (v >> 30) {
	case 0:
	case 1:		/* the usual: a page granted for this direction */
		return (writable ? f->fz_rxgref[v % FZ_NSLOT] :
		    f->fz_txgref[v % FZ_NSLOT]);
	case 2:		/* the other direction's (read-only for rx) */
		return (writable ? f->fz_txgref[v % FZ_NSLOT] :
		    f->fz_rxgref[v % FZ_NSLOT]);
	default:
		return ((v & 1) ? f->fz_badref : v);
	}
}

void
fz_features(uint8_t b, struct ring_features *rf)
{
	rf->rf_sg = b & 1;
	rf->rf_gso4 = (b >> 1) & 1;
	rf->rf_gso6 = (b >> 2) & 1;
	rf->rf_csum = (b >> 3) & 1;
	rf->rf_csum6 = (b >> 4) & 1;
	rf->rf_rx_notify = (b >> 5) & 1;
}

size_t
fz_begin(struct fz *f, const uint8_t *in, size_t len, size_t hdr, int raw,
    RING_IDX *prod)
{
	struct ring_features rf;
	struct ring_config rc;
	size_t off = hdr;

	if (len < hdr || hdr < 4 || (raw && len < hdr + 4))
		return (0);
	fz_features(in[0], &rf);
	ring_config_default(&rc);
	rc.rc_tx_batch = rc.rc_rx_batch = 1 + in[1];
	rc.rc_copy_batch = 1 + in[2];
	rc.rc_notify = (in[3] & 1) ? RING_NOTIFY_PACKET : RING_NOTIFY_BATCH;
	if (raw) {
		memcpy(prod, in + off, 4);
		off += 4;
	}
	if (fz_connect(f, &rc, &rf) == -1)
		return (0);
	return (off);
}

int
fz_run(struct fz *f, int (*pass)(struct ring_queue *,
    const struct ring_port *))
{
	unsigned int n;
	int rv = 0;

	for (n = 0; n < 300; n++)
		if ((rv = pass(f->fz_rq, &f->fz_port)) != 1)
			break;
	return (rv);
}

/* fz_send: read every octet the engine hands over (ASan checks it). */
static int
fz_send(void *arg, const struct iovec *iov, int cnt)
{
	struct fz *f = arg;
	volatile uint8_t sink = 0;
	const uint8_t *p;
	size_t k;
	int i;

	for (i = 0; i < cnt; i++) {
		p = iov[i].iov_base;
		for (k = 0; k < iov[i].iov_len; k++)
			sink ^= p[k];
		f->fz_sent_bytes += iov[i].iov_len;
	}
	(void)sink;
	f->fz_sent++;
	return (0);
}

/*
 * fz_peek: the next frame, copied into a buffer of exactly its size so
 * that a read past it is caught; the same copy until fz_take.
 */
static ssize_t
fz_peek(void *arg, uint8_t **buf)
{
	struct fz *f = arg;
	const struct fz_frame *fr;

	if (f->fz_next >= f->fz_nframes)
		return (0);
	fr = &f->fz_frames[f->fz_next];
	if (f->fz_peeked == NULL) {
		if ((f->fz_peeked = malloc(fr->ff_len)) == NULL)
			abort();
		memcpy(f->fz_peeked, fr->ff_buf, fr->ff_len);
	}
	*buf = f->fz_peeked;
	return ((ssize_t)fr->ff_len);
}

/* fz_take: the peeked frame is the engine's until fz_release. */
static void
fz_take(void *arg)
{
	struct fz *f = arg;

	if (f->fz_peeked == NULL)
		abort();	/* the engine broke the port contract */
	f->fz_lent[f->fz_nlent++] = f->fz_peeked;
	f->fz_peeked = NULL;
	f->fz_next++;
}

/* fz_release: free the taken copies: a late use of one is caught. */
static void
fz_release(void *arg)
{
	struct fz *f = arg;
	unsigned int i;

	for (i = 0; i < f->fz_nlent; i++)
		free(f->fz_lent[i]);
	f->fz_nlent = 0;
}
