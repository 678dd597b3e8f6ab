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
 * fuzz_tx: the guest's transmit ring as a hostile guest may fill it.
 * An input is the negotiated features, the batch settings, up to a ring
 * of 12-octet request slots (each a request with a grant chosen among
 * good, foreign, read-only and revoked ones, or 12 raw octets: extras,
 * garbage), where req_prod points (exactly past them, or anywhere), and
 * the contents of the granted data pages.  The engine runs passes until
 * idle or until it gives up on the guest.  Checked beyond the
 * sanitizers: it never answers more requests than were posted, every
 * response status is one of netif.h's, and every octet it hands the
 * host port is readable.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzenv.h"

#define SLOT_IN		13	/* control octet + a 12-octet slot */
#define DATA_PAGES	8	/* pages the input's tail fills */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	struct fz *f = fz_get();
	netif_tx_request_t *r;
	netif_tx_response_t *rsp;
	RING_IDX i, nslot, prod;
	size_t off, k;
	int raw_prod;

	if (len < 5)
		return (0);
	raw_prod = in[4] & 0x80;
	prod = 0;
	if ((off = fz_begin(f, in, len, 5, raw_prod, &prod)) == 0)
		return (0);
	/* netif.h: the ring holds XN_TX_RING_SIZE requests */
	for (nslot = 0; nslot < XN_TX_RING_SIZE && off + SLOT_IN <= len &&
	    nslot < (RING_IDX)(in[4] & 0x7f) * 2 + 1; nslot++) {
		r = &f->fz_txs->ring[nslot].req;
		memcpy(r, in + off + 1, sizeof(*r));
		if (!(in[off] & 1))
			r->gref = fz_ref(f, in + off + 1, 0);
		off += SLOT_IN;
	}
	/* the tail: what the granted pages hold */
	for (k = 0; k < DATA_PAGES && off < len; k++) {
		size_t n = len - off < XN_RING_PAGE ? len - off : XN_RING_PAGE;

		memcpy(f->fz_txdata[k], in + off, n);
		off += n;
	}
	xen_wmb();
	f->fz_txs->req_prod = raw_prod ? prod : nslot;
	(void)fz_run(f, ring_tx);

	/* never more responses than requests posted (when posted sanely) */
	if (!raw_prod && f->fz_txs->rsp_prod > nslot)
		abort();
	for (i = 0; i < f->fz_txs->rsp_prod && i < XN_TX_RING_SIZE; i++) {
		rsp = &f->fz_txs->ring[i].rsp;
		if (rsp->status != NETIF_RSP_OKAY &&
		    rsp->status != NETIF_RSP_ERROR &&
		    rsp->status != NETIF_RSP_DROPPED &&
		    rsp->status != NETIF_RSP_NULL)
			abort();
	}
	fz_end(f);
	return (0);
}
