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
 * The receive buffers of a tap port (portio.c, vhost.c) between the
 * port and the ring engine: a buffer is free, posted (being filled by
 * the kernel), ready (holds a frame, queued in arrival order), or lent
 * to the engine from rp_take until rp_release.  Buffer numbers are
 * below PORTIO_MAX_BUFS; the callers' own.
 */

#include <string.h>

#include "xennetd.h"

void
rxq_init(struct rxq *q)
{
	memset(q, 0, sizeof(*q));	/* every buffer RXQ_FREE */
}

/* rxq_ready: buffer i holds a frame of len octets: queue it. */
void
rxq_ready(struct rxq *q, uint32_t i, uint32_t len)
{
	q->rx_state[i] = RXQ_READY;
	q->rx_len[i] = len;
	q->rx_q[(q->rx_head + q->rx_n) % PORTIO_MAX_BUFS] = i;
	q->rx_n++;
}

/* rxq_peek: 1 with the first ready buffer in *i, its length in *len. */
int
rxq_peek(const struct rxq *q, uint32_t *i, uint32_t *len)
{
	if (q->rx_n == 0)
		return (0);
	*i = q->rx_q[q->rx_head];
	*len = q->rx_len[*i];
	return (1);
}

/* rxq_take: the first ready buffer is lent to the engine. */
void
rxq_take(struct rxq *q)
{
	uint32_t i;

	if (q->rx_n == 0)
		return;
	i = q->rx_q[q->rx_head];
	q->rx_head = (q->rx_head + 1) % PORTIO_MAX_BUFS;
	q->rx_n--;
	q->rx_state[i] = RXQ_LENT;
	q->rx_lent[q->rx_nlent++] = i;
}

/* rxq_release: every lent buffer is free again. */
void
rxq_release(struct rxq *q)
{
	unsigned int k;

	for (k = 0; k < q->rx_nlent; k++)
		q->rx_state[q->rx_lent[k]] = RXQ_FREE;
	q->rx_nlent = 0;
}
