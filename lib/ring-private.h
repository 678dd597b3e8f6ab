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


/* Ring engine internals shared by ring.c, ring-tx.c and ring-rx.c. */

#ifndef XENNET_RING_PRIVATE_H
#define XENNET_RING_PRIVATE_H

/* Frame buffers of one pass; a pass ends early when they are full. */
#define RING_ARENA_SIZE		(1024 * 1024)

/* One guest packet of a tx pass. */
struct ring_txpkt {
	RING_IDX	tp_first;	/* ring index of its first slot */
	uint8_t		tp_nslots;	/* data + extra slots */
	uint8_t		tp_nextra;	/* extra slots after the first */
	uint8_t		tp_nignored;	/* extras we skip (mcast, hash) */
	uint8_t		tp_status;	/* TXP_* */
	uint16_t	tp_flags;	/* NETTXF_* of the first slot */
	uint16_t	tp_gso_size;
	uint8_t		tp_gso_type;
	uint32_t	tp_len;
	size_t		tp_off;		/* in rq_arena */
	uint16_t	tp_id[RING_TX_SLOTS_FATAL];	/* request ids */
};
#define TXP_OK		0
#define TXP_ERROR	1	/* answer NETIF_RSP_ERROR */
#define TXP_DROPPED	2	/* answer OKAY, but not forwarded */

/* One rx response, written once its frame's copies are done. */
struct ring_rxrsp {
	RING_IDX	rr_idx;
	uint16_t	rr_frame;	/* owner frame in the pass */
	uint8_t		rr_extra;	/* 1: a GSO extra-info slot */
	uint8_t		rr_first;	/* 1: first data slot of its frame */
	union {
		netif_rx_response_t	rsp;
		struct netif_extra_info	extra;
	} rr_u;
};

int	ring_copy_settle(struct ring_queue *);

#endif /* XENNET_RING_PRIVATE_H */
