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
 * The world the ring harnesses (fuzz_tx.c, fuzz_rx.c) run in: a guest
 * in this process's memory (lib/hv-mem.c) with granted pages, its event
 * channels bookkeeping only, a queue of the engine connected to
 * its rings, and a host port that takes whatever the engine sends and
 * hands it the frames an input asks for.  Built once per process; each
 * input reconnects the queue, so inputs do not see each other.
 */

#ifndef XENNET_FUZZENV_H
#define XENNET_FUZZENV_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "xenring.h"

#define FZ_NSLOT	256	/* data pages of either direction */
#define FZ_NFRAME	64	/* frames the port hands out per input */

/* A frame for the port to hand out: vnet header + Ethernet frame. */
struct fz_frame {
	const uint8_t	*ff_buf;
	size_t		 ff_len;
};

/* The harness's side of everything. */
struct fz {
	struct ring_queue	*fz_rq;
	struct ring_port	 fz_port;
	netif_tx_sring_t	*fz_txs;	/* the shared rings */
	netif_rx_sring_t	*fz_rxs;
	uint32_t		 fz_txgref[FZ_NSLOT];	/* read-only pages */
	uint32_t		 fz_rxgref[FZ_NSLOT];	/* writable pages */
	uint32_t		 fz_badref;	/* no longer granted */
	uint8_t			*fz_txdata[FZ_NSLOT];
	uint8_t			*fz_rxdata[FZ_NSLOT];
	/* the port */
	struct fz_frame		 fz_frames[FZ_NFRAME];
	unsigned int		 fz_nframes, fz_next;
	uint8_t			*fz_peeked;	/* the next frame's copy */
	uint8_t			*fz_lent[FZ_NFRAME];	/* taken copies */
	unsigned int		 fz_nlent;
	uint64_t		 fz_sent_bytes;
	unsigned int		 fz_sent;
};

/* fz_get: the world, made on first use (abort()s if it cannot be). */
struct fz	*fz_get(void);
/*
 * fz_connect: reset both shared rings to empty and (re)connect the queue
 * with config rc and features rf; the port forgets its frames.  0, or
 * -1 if the engine refused (a harness then returns).
 */
int		 fz_connect(struct fz *, const struct ring_config *,
		    const struct ring_features *);
/*
 * fz_ref: a grant reference chosen by 4 input octets: one of the granted
 * pages of the direction (writable or not), a page granted for the other
 * direction, the revoked one, or the raw value.
 */
uint32_t	 fz_ref(struct fz *, const uint8_t *, int);
/* fz_features: the negotiated features from the low 6 bits of b. */
void		 fz_features(uint8_t, struct ring_features *);
/*
 * fz_begin: the head every ring input starts with — in[0] the features,
 * in[1] the batch (tx and rx), in[2] the copy batch, in[3] bit 0 the
 * notify policy, hdr octets in all — then, if raw, 4 octets of req_prod
 * into *prod.  Connects the queue so.  Returns the offset of what
 * follows, 0 if the input is too short or the engine refused.
 */
size_t		 fz_begin(struct fz *, const uint8_t *, size_t, size_t, int,
		    RING_IDX *);
/*
 * fz_end: the port forgets the input's frames and frees their copies:
 * an input that leaves nothing allocated spares libFuzzer's leak check.
 */
void		 fz_end(struct fz *);
/* fz_run: passes until the engine is idle or failed (at most 300). */
int		 fz_run(struct fz *, int (*)(struct ring_queue *,
		    const struct ring_port *));

#endif /* XENNET_FUZZENV_H */
