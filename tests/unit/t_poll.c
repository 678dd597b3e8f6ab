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
 * t_poll: a queue's wakeup policy (daemon/poll.c): the adaptive polling
 * window and the back-off for ports that raise empty events.
 */

#include <stdint.h>
#include <string.h>

#include "../../daemon/xennetd.h"
#include "../tap.h"

#define US	1000ULL		/* ns */

int
main(void)
{
	struct poll_win pw;
	struct poll_backoff pb;
	uint64_t t = 1000000 * US, d;
	unsigned int i, want, got, bad;

	/* A budget of 0 never polls, whatever the wakeups. */
	poll_win_init(&pw, 0);
	for (i = 0; i < 10; i++) {
		ok(poll_win_begin(&pw, t) == 0, "budget 0: no polling (%u)", i);
		t += 1 * US;
		poll_win_wake(&pw, t);
	}
	ok(pw.pw_win == 0, "budget 0: the window stays 0");

	/* An idle queue never polls: a new one sleeps at once. */
	poll_win_init(&pw, 100);
	ok(poll_win_begin(&pw, t) == 0 && pw.pw_slept == t,
	    "a queue that never polled goes to sleep at once");
	/* Woken long after the budget: polling would have been waste. */
	t += 1000 * US;
	poll_win_wake(&pw, t);
	ok(pw.pw_win == 0, "woken 1 ms after sleeping (budget 100 us): "
	    "window stays 0");

	/* Woken soon after: the window grows, doubling, up to the budget. */
	ok(poll_win_begin(&pw, t) == 0, "sleeps again");
	t += 5 * US;
	poll_win_wake(&pw, t);
	ok(pw.pw_win == 8 * US, "woken 5 us after sleeping: window 8 us "
	    "(%llu ns)", (unsigned long long)pw.pw_win);
	for (want = 16; want <= 128; want *= 2) {
		ok(poll_win_begin(&pw, t) == 1 && pw.pw_until == t + pw.pw_win,
		    "rings dry: polls until now + window");
		ok(poll_win_check(&pw, t + 1 * US) == 1,
		    "1 us into the stretch: still polling");
		t += pw.pw_win;
		got = poll_win_check(&pw, t);
		/* the next request comes 2 us after the stretch ended */
		t += 2 * US;
		poll_win_wake(&pw, t);
		ok(got == 0 && pw.pw_win == (want > 100 ? 100 : want) * US,
		    "stretch over, woken 2 us later: window %u us (%llu ns)",
		    want > 100 ? 100 : want, (unsigned long long)pw.pw_win);
	}
	/* Work found while polling: the stretch starts over. */
	ok(poll_win_begin(&pw, t) == 1, "polls");
	t += 90 * US;
	poll_win_hit(&pw, t);
	ok(poll_win_check(&pw, t + 99 * US) == 1,
	    "work found at 90 us: still polling at 189 us");
	ok(poll_win_check(&pw, t + 100 * US) == 0,
	    "and over at 190 us without more");
	/* Sleeps longer than the budget shrink it to 0. */
	for (i = 0; i < 8 && pw.pw_win > 0; i++) {
		t += 1000 * US;
		poll_win_wake(&pw, t);
		if (poll_win_begin(&pw, t)) {
			t += pw.pw_win;
			poll_win_check(&pw, t);
		}
	}
	ok(pw.pw_win == 0 && i <= 5, "a guest that sleeps 1 ms between "
	    "requests stops the polling after %u wakeups", i);
	ok(poll_win_begin(&pw, t) == 0, "and then sleeps at once");

	/* Back-off: 8 empty events free, then 1, 2, 4 ... 64 ms. */
	memset(&pb, 0, sizeof(pb));
	for (i = 0, bad = 0; i < 8; i++)
		if (poll_backoff_empty(&pb) != 0)
			bad++;
	ok(bad == 0, "8 empty events in a row: no delay");
	for (want = 1000; want <= 64000; want *= 2) {
		got = poll_backoff_empty(&pb);
		ok(got == want, "next empty event: %u us (%u)", want, got);
	}
	for (i = 0, bad = 0; i < 100; i++)
		if ((d = poll_backoff_empty(&pb)) != 64000)
			bad++;
	ok(bad == 0, "100 more: capped at 64 ms");
	poll_backoff_work(&pb);
	ok(poll_backoff_empty(&pb) == 0, "an event with work resets it");
	/* Honest traffic: empty events never come 9 in a row. */
	poll_backoff_work(&pb);
	for (i = 0, bad = 0; i < 1000; i++) {
		if (poll_backoff_empty(&pb) != 0)
			bad++;
		if (i % 4 == 3)
			poll_backoff_work(&pb);
	}
	ok(bad == 0, "an empty event now and then, work in between: never "
	    "delayed");
	return (done_testing());
}
