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
 * t_num: the strict number parser (lib/num.c) every xenstore value,
 * option and environment variable goes through, and the xenbus state
 * names (lib/xenbus.c) the logs use.
 */

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "num.h"
#include "xenbus.h"
#include "../tap.h"

/* t_bad: s is refused with errno e and *out is left alone. */
static void
t_bad(const char *s, unsigned long long max, int e, const char *why)
{
	unsigned long long v = 4242;
	int rv;

	errno = 0;
	rv = num_parse(s, max, &v);
	ok(rv == -1 && errno == e && v == 4242, "\"%s\" <= %llu refused "
	    "with %s: %s", s, max, e == EINVAL ? "EINVAL" : "ERANGE", why);
}

/* t_good: s parses to want. */
static void
t_good(const char *s, unsigned long long max, unsigned long long want)
{
	unsigned long long v = 4242;

	ok(num_parse(s, max, &v) == 0 && v == want, "\"%s\" <= %llu is %llu",
	    s, max, want);
}

int
main(void)
{
	unsigned long long v = 0;

	t_good("0", 0, 0);
	t_good("7", 9, 7);
	t_good("0042", 100, 42);
	t_good("32751", 0x7FEF, 0x7FEF);
	t_good("18446744073709551615", ULLONG_MAX, ULLONG_MAX);
	t_bad("", 10, EINVAL, "empty");
	t_bad("-1", 10, EINVAL, "sign");
	t_bad("+1", 10, EINVAL, "sign");
	t_bad(" 1", 10, EINVAL, "leading blank");
	t_bad("1 ", 10, EINVAL, "trailing blank");
	t_bad("0x10", 100, EINVAL, "hex");
	t_bad("1e3", 10000, EINVAL, "exponent");
	t_bad("11", 10, ERANGE, "one above max");
	t_bad("32752", 0x7FEF, ERANGE, "first reserved domid");
	t_bad("18446744073709551616", ULLONG_MAX, ERANGE, "2^64");
	t_bad("99999999999999999999999", ULLONG_MAX, ERANGE, "far above");
	t_bad("5", 3, ERANGE, "a digit above a small max");
	ok(num_parsen("12/34", 2, 99, &v) == 0 && v == 12,
	    "num_parsen stops at its length (\"12\" of \"12/34\")");
	ok(num_parsen("12/34", 3, 999, &v) == -1 && errno == EINVAL,
	    "num_parsen refuses a separator inside its length");
	ok(num_parsen("", 0, 9, &v) == -1 && errno == EINVAL,
	    "num_parsen refuses length 0");

	ok(strcmp(xenbus_state_name(XenbusStateInitWait), "InitWait") == 0,
	    "XenbusStateInitWait is named InitWait");
	ok(strcmp(xenbus_state_name(XenbusStateConnected), "Connected") == 0,
	    "XenbusStateConnected is named Connected");
	ok(strcmp(xenbus_state_name(XenbusStateReconfigured),
	    "Reconfigured") == 0, "the last state, Reconfigured, has its name");
	ok(strcmp(xenbus_state_name(XenbusStateUnknown), "Unknown") == 0,
	    "state 0 is Unknown");
	ok(strcmp(xenbus_state_name(9), "invalid") == 0 &&
	    strcmp(xenbus_state_name(~0U), "invalid") == 0,
	    "values xenbus.h lacks are invalid, not out of the table");
	return (done_testing());
}
