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
 * fuzz_ctl: the control socket's request parser (daemon/ctlreq.c) on any
 * bytes a local client may send.  Checked beyond the sanitizers: an
 * error always comes with a message; an accepted request has its strings
 * terminated and its numbers in their ranges, and written back out in
 * the protocol's words it parses to the very same request.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "ctlreq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fz_ctl_text: r in the protocol's words (what xennetctl would send). */
static int
fz_ctl_text(const struct ctlreq *r, char *buf, size_t len)
{
	switch (r->cr_verb) {
	case CTLREQ_SHOW_VIFS:
		return (snprintf(buf, len, "show vifs"));
	case CTLREQ_SHOW_STATS:
		return (snprintf(buf, len, "show stats %s", r->cr_vif));
	case CTLREQ_SET_BATCH:
		return (snprintf(buf, len, "set batch %s %u %s",
		    ctlreq_batch_name(r->cr_batch), r->cr_value, r->cr_vif));
	case CTLREQ_CAPTURE:
		if (r->cr_count != 0)
			return (snprintf(buf, len, "capture %s %s count %llu",
			    r->cr_vif, r->cr_file,
			    (unsigned long long)r->cr_count));
		if (r->cr_seconds != 0)
			return (snprintf(buf, len, "capture %s %s seconds %u",
			    r->cr_vif, r->cr_file, r->cr_seconds));
		return (snprintf(buf, len, "capture %s %s", r->cr_vif,
		    r->cr_file));
	case CTLREQ_CAPTURE_STOP:
		return (snprintf(buf, len, "capture stop %s", r->cr_vif));
	case CTLREQ_RELOAD:
		return (snprintf(buf, len, "reload"));
	case CTLREQ_LOG_LEVEL:
		if (r->cr_step != 0)
			return (snprintf(buf, len, "log level %s",
			    r->cr_step > 0 ? "+" : "-"));
		return (snprintf(buf, len, "log level %u", r->cr_value));
	}
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	struct ctlreq r, again;
	char err[256], err2[256], text[2 * CTLREQ_MAX];
	int n;

	err[0] = '\0';
	if (ctlreq_parse((const char *)in, len, &r, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			abort();	/* an error without a message */
		return (0);
	}
	if (memchr(r.cr_vif, '\0', sizeof(r.cr_vif)) == NULL ||
	    memchr(r.cr_file, '\0', sizeof(r.cr_file)) == NULL)
		abort();
	if (r.cr_verb == CTLREQ_SET_BATCH && (r.cr_value < 1 ||
	    r.cr_value > (r.cr_batch == CTLREQ_BATCH_COPY ? RING_COPY_MAX :
	    RING_BATCH_MAX)))
		abort();
	if (r.cr_verb == CTLREQ_LOG_LEVEL && r.cr_step == 0 &&
	    r.cr_value > CTLREQ_LOG_MAX)
		abort();
	if (r.cr_count > CTLREQ_COUNT_MAX || r.cr_seconds > CTLREQ_SECONDS_MAX)
		abort();
	n = fz_ctl_text(&r, text, sizeof(text));
	if (n < 0 || (size_t)n >= sizeof(text))
		abort();
	if (ctlreq_parse(text, (size_t)n, &again, err2, sizeof(err2)) == -1 ||
	    memcmp(&r, &again, sizeof(r)) != 0)
		abort();	/* not the same request in other words */
	return (0);
}
