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
 * Guest transmit rate limit: the `rate' key of the vif's backend
 * directory ("BYTES,USECS", written by libxl from rate= in the vif
 * line) as a credit scheduler.  Each queue gains BYTES of credit every
 * USECS microseconds, up to a burst of BYTES plus one largest frame
 * (RING_FRAME_MAX), and never less than RING_RATE_BURST_MIN; a packet
 * is taken off the ring only when its size fits in the credit left,
 * else the pass stops there and the packet waits in the ring for the
 * next period.  Credit for whole periods that went by unused is added
 * up to the burst.  So a 64 KiB GSO packet always goes in the end, and
 * the credit a period leaves because its next packet was too big is
 * not lost (a burst of only max(BYTES, 128 KiB), as in Linux, cuts it:
 * 64 KiB GSO packets at 125000 bytes per 50 ms got 80 % of the limit):
 * the long-run rate is BYTES per USECS.
 */

#include <sys/types.h>

#include <stdint.h>

#include "ring.h"
#include "ring-private.h"

/* Beyond these a limit means nothing; they keep the arithmetic exact. */
#define RING_RATE_BYTES_MAX	(1ULL << 40)
#define RING_RATE_USEC_MAX	UINT32_MAX

void
ring_set_rate(struct ring_queue *rq, uint64_t bytes, uint64_t usec)
{
	struct ring_rate *rr = &rq->rq_rate;

	rr->rr_wait = 0;
	if (bytes == 0 || usec == 0) {
		rr->rr_bytes = 0;
		return;
	}
	if (bytes > RING_RATE_BYTES_MAX)
		bytes = RING_RATE_BYTES_MAX;
	if (usec > RING_RATE_USEC_MAX)
		usec = RING_RATE_USEC_MAX;
	rr->rr_bytes = bytes;
	rr->rr_period = usec * 1000;
	rr->rr_burst = bytes + RING_FRAME_MAX > RING_RATE_BURST_MIN ?
	    bytes + RING_FRAME_MAX : RING_RATE_BURST_MIN;
	rr->rr_credit = bytes;
	rr->rr_window = ring_clock_ns();
}

/*
 * ring_rate_take: the credit for len bytes at now: 0 if it was there
 * (and is taken), -1 if the packet waits until rr_wait.
 */
int
ring_rate_take(struct ring_rate *rr, uint64_t len, uint64_t now)
{
	uint64_t k;

	if (rr->rr_bytes == 0)
		return (0);
	if (now >= rr->rr_window + rr->rr_period) {
		k = (now - rr->rr_window) / rr->rr_period;
		/* bytes <= 2^40: no overflow below the burst's periods */
		if (k > rr->rr_burst / rr->rr_bytes)
			rr->rr_credit = rr->rr_burst;
		else if ((rr->rr_credit += k * rr->rr_bytes) > rr->rr_burst)
			rr->rr_credit = rr->rr_burst;
		rr->rr_window += k * rr->rr_period;
	}
	/* a packet above the burst could never go: it takes it all */
	if (len > rr->rr_burst)
		len = rr->rr_burst;
	if (len <= rr->rr_credit) {
		rr->rr_credit -= len;
		return (0);
	}
	rr->rr_wait = rr->rr_window + rr->rr_period;
	return (-1);
}

uint64_t
ring_tx_rate_wait(const struct ring_queue *rq)
{
	const struct ring_rate *rr = &rq->rq_rate;
	uint64_t now;

	if (rr->rr_bytes == 0 || rr->rr_wait == 0)
		return (0);
	now = ring_clock_ns();
	return (rr->rr_wait > now ? rr->rr_wait - now : 0);
}
