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
 * fuzz_rx: frames from the host to a guest whose receive ring a hostile
 * guest filled.  An input is the features, the batch settings, the rx
 * requests the guest posted (ids, and grants among writable, read-only,
 * revoked and raw ones), where req_prod points, and the frames the host
 * port hands the engine (vnet header + Ethernet frame: any header, any
 * length the tap can deliver).  Checked beyond the sanitizers: never
 * more responses than requests posted, a response's id is its request's
 * (netif.h: responses are written in request order), and a response
 * never claims more octets than its page holds.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzenv.h"

#define FRAME_POOL	(FZ_NFRAME * 2048)	/* the input's frames */
#define HDR		sizeof(struct xn_vnet_hdr)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	pool[FRAME_POOL + HDR + RING_FRAME_MAX];
static uint8_t	big[HDR + RING_FRAME_MAX];	/* one large frame */
static uint8_t	ramp[256];	/* ramp[k] = k: octets past the input */

/*
 * fill: dst[k] = src[k % n] for k < len; what is filled is doubled each
 * time (it stays a multiple of n), so a short src costs few copies.
 */
static void
fill(uint8_t *dst, size_t len, const uint8_t *src, size_t n)
{
	size_t done, c;

	done = n < len ? n : len;
	memcpy(dst, src, done);
	for (; done < len; done += c) {
		c = len - done < done ? len - done : done;
		memcpy(dst + done, dst, c);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	struct fz *f = fz_get();
	netif_rx_request_t *r;
	netif_rx_response_t *rsp;
	uint16_t ids[XN_RX_RING_SIZE];
	RING_IDX i, nreq, prod = 0;
	size_t off, used = 0, flen, k;
	unsigned int nfr;
	int raw_prod, bigused = 0, extra = 0;
	struct netif_extra_info *ex;

	if (ramp[255] == 0)
		for (k = 0; k < sizeof(ramp); k++)
			ramp[k] = (uint8_t)k;
	if (len < 6)
		return (0);
	raw_prod = in[0] & 0x80;
	nreq = in[4];
	nfr = in[5] % (FZ_NFRAME + 1);
	if ((off = fz_begin(f, in, len, 6, raw_prod, &prod)) == 0)
		return (0);
	/* netif.h: at most XN_RX_RING_SIZE requests fit */
	for (i = 0; i < nreq && i < XN_RX_RING_SIZE && off + 6 <= len; i++) {
		r = &f->fz_rxs->ring[i].req;
		memcpy(&r->id, in + off, 2);
		r->gref = fz_ref(f, in + off + 2, 1);
		ids[i] = r->id;
		off += 6;
	}
	nreq = i;
	/*
	 * Frames: a 2-octet length (the tap gives at least a vnet header
	 * and at most one largest frame after it), then its octets; a
	 * frame longer than the input left is the rest repeated, so that
	 * large frames cost little input.  One frame may use the big
	 * buffer.
	 */
	for (f->fz_nframes = 0; f->fz_nframes < nfr && off + 2 <= len;
	    f->fz_nframes++) {
		uint8_t *dst;

		flen = (size_t)(in[off] | in[off + 1] << 8);
		off += 2;
		if (flen & 0x8000)	/* ask for a large one */
			flen = (flen & 0x7fff) * 2 + 4096;
		flen += HDR;
		if (flen > HDR + RING_FRAME_MAX)
			flen = HDR + RING_FRAME_MAX;
		if (used + flen <= FRAME_POOL)
			dst = pool + used;
		else if (!bigused && flen <= sizeof(big))
			dst = big;
		else
			break;
		if (off < len)
			fill(dst, flen, in + off, len - off);
		else
			fill(dst, flen, ramp, sizeof(ramp));
		f->fz_frames[f->fz_nframes].ff_buf = dst;
		f->fz_frames[f->fz_nframes].ff_len = flen;
		if (dst == big)
			bigused = 1;
		else
			used += flen;
		off += flen < len - off ? flen : len - off;
	}
	xen_wmb();
	f->fz_rxs->req_prod = raw_prod ? prod : nreq;
	(void)fz_run(f, ring_rx);

	if (!raw_prod && f->fz_rxs->rsp_prod > nreq)
		abort();
	for (i = 0; !raw_prod && i < f->fz_rxs->rsp_prod; i++) {
		rsp = &f->fz_rxs->ring[i].rsp;
		if (extra) {
			/* netif.h: an extra-info slot, maybe more after it */
			ex = (struct netif_extra_info *)(void *)rsp;
			extra = ex->flags & XEN_NETIF_EXTRA_FLAG_MORE;
			continue;
		}
		/* netfront reads the flag whatever the status says */
		extra = (rsp->flags & NETRXF_extra_info) != 0;
		if (rsp->id != ids[i])
			abort();
		if (rsp->status > 0 &&
		    (uint32_t)rsp->offset + (uint32_t)rsp->status >
		    XN_RING_PAGE)
			abort();
	}
	fz_end(f);
	return (0);
}
