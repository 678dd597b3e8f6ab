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
 * Rate limits of the control path: a token bucket (kept as the
 * "theoretical arrival time" of the generic cell rate algorithm: one
 * number per limit, no timer) that lets burst events through at once
 * and then one per interval.  Used for a frontend's reconnects and for
 * the log lines a guest can cause.
 */

#include <stdint.h>
#include <time.h>

#include "xennetd.h"

/* throttle_now: CLOCK_MONOTONIC in milliseconds. */
uint64_t
throttle_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/*
 * throttle_take: one more event of th at time now (ms): 0 if it may
 * happen (it is counted against the bucket), else the milliseconds
 * until it may (the bucket is left as it was).
 */
uint64_t
throttle_take(struct throttle *th, uint64_t now)
{
	uint64_t tat, limit;

	tat = th->th_tat > now ? th->th_tat : now;
	limit = (uint64_t)th->th_burst * th->th_interval;
	if (tat + th->th_interval - now > limit)
		return (tat + th->th_interval - limit - now);
	th->th_tat = tat + th->th_interval;
	return (0);
}

/* throttle_init: burst events at once, then one per interval ms. */
void
throttle_init(struct throttle *th, unsigned int burst, unsigned int interval)
{
	th->th_tat = 0;
	th->th_burst = burst;
	th->th_interval = interval;
}
