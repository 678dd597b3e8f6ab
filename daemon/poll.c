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
 * The wakeup policy of a queue, without the event loop (worker.c applies
 * it): how long to busy-poll after its rings ran dry, and how long to
 * keep the port of a frontend that raises events for nothing masked.
 *
 * Polling window.  A queue that found work polls for up to its window
 * when its rings run dry, instead of unmasking its ports and sleeping.
 * The window adapts between 0 and the budget (-b), the way KVM's
 * halt-polling does, by how long the queue then slept: an event less
 * than a budget after it went to sleep is one a longer window would have
 * caught, so the window doubles (from POLL_WIN_MIN); an event after a
 * longer sleep says polling was wasted, so it halves, down to 0.  A
 * queue that sleeps longer than the budget stops polling after a few
 * wakeups; an idle one never starts.
 *
 * Spurious-event back-off (the XSA-332 class).  An event that finds
 * nothing new on the rings is empty.  The first POLL_EMPTY_FREE in a row
 * cost nothing more than the event; after them the port stays masked for
 * POLL_BACKOFF_MIN microseconds, doubling with each further empty event
 * up to POLL_BACKOFF_MAX.  The first event that finds work resets it: a
 * frontend that notifies only when it posted requests (every honest one)
 * is never delayed.
 */

#include <sys/types.h>

#include "xennetd.h"

#define POLL_WIN_MIN		8000ULL	/* ns: a window starts here */
#define POLL_EMPTY_FREE		8	/* empty events in a row, free */
#define POLL_BACKOFF_MIN	1000U	/* us: the first delay */
#define POLL_BACKOFF_MAX	64000U	/* us: the longest delay */

/* poll_now: CLOCK_MONOTONIC in nanoseconds. */
uint64_t
poll_now(void)
{
	return (ring_clock_ns());
}

/* poll_win_init: budget usec (0: never poll), window 0, awake. */
void
poll_win_init(struct poll_win *pw, unsigned int usec)
{
	pw->pw_max = (uint64_t)usec * 1000;
	pw->pw_win = 0;
	pw->pw_until = 0;
	pw->pw_slept = 0;
}

/*
 * poll_win_wake: an event with work woke the queue at now.  If it had
 * slept for less than the budget, a longer window would have caught that
 * work: the window grows; if longer, polling was wasted: it shrinks.
 */
void
poll_win_wake(struct poll_win *pw, uint64_t now)
{
	uint64_t slept;

	if (pw->pw_slept == 0 || pw->pw_max == 0)
		return;
	slept = now - pw->pw_slept;
	pw->pw_slept = 0;
	if (slept > pw->pw_max) {
		pw->pw_win /= 2;
		if (pw->pw_win < POLL_WIN_MIN)
			pw->pw_win = 0;
		return;
	}
	pw->pw_win = pw->pw_win < POLL_WIN_MIN ? POLL_WIN_MIN :
	    pw->pw_win * 2;
	if (pw->pw_win > pw->pw_max)
		pw->pw_win = pw->pw_max;
}

/*
 * poll_win_begin: the rings ran dry at now after the queue found work.
 * Returns 1 if it polls (until pw_until), 0 if it goes to sleep at once.
 */
int
poll_win_begin(struct poll_win *pw, uint64_t now)
{
	if (pw->pw_win == 0) {
		pw->pw_slept = now;
		return (0);
	}
	pw->pw_until = now + pw->pw_win;
	return (1);
}

/* poll_win_hit: polling found work at now: the stretch starts over. */
void
poll_win_hit(struct poll_win *pw, uint64_t now)
{
	pw->pw_until = now + pw->pw_win;
}

/*
 * poll_win_check: 1 while the stretch lasts; 0 once it is over at now
 * without work: the queue goes to sleep (poll_win_wake judges it).
 */
int
poll_win_check(struct poll_win *pw, uint64_t now)
{
	if (pw->pw_until != 0 && now < pw->pw_until)
		return (1);
	pw->pw_until = 0;
	pw->pw_slept = now;
	return (0);
}

/*
 * poll_backoff_empty: the port's event found no work.  Returns how many
 * microseconds to keep the port masked, 0 to unmask it at once.
 */
unsigned int
poll_backoff_empty(struct poll_backoff *pb)
{
	unsigned int k, d = POLL_BACKOFF_MIN;

	if (pb->pb_empty < POLL_EMPTY_FREE + 32)
		pb->pb_empty++;
	if (pb->pb_empty <= POLL_EMPTY_FREE)
		return (0);
	for (k = pb->pb_empty - POLL_EMPTY_FREE - 1; k > 0 &&
	    d < POLL_BACKOFF_MAX; k--)
		d *= 2;
	return (d < POLL_BACKOFF_MAX ? d : POLL_BACKOFF_MAX);
}

/* poll_backoff_work: the port's event found work: no more delay. */
void
poll_backoff_work(struct poll_backoff *pb)
{
	pb->pb_empty = 0;
}
