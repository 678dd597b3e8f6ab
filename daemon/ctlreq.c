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
 * ctlreq: parse one control request (ctlreq.h).  The grammar, words
 * separated by blanks:
 *
 *	show vifs
 *	show stats [vif]
 *	set batch tx|rx|copy N [vif]
 *	capture vif file [count N | seconds S]
 *	capture stop vif
 *	reload
 *	log level N | + | -
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctlreq.h"
#include "num.h"
#include "ring.h"

#define CTLREQ_WORDS	8	/* more is an error */

static int	ctlreq_fail(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	ctlreq_num(const char *, const char *, unsigned long long,
		    unsigned long long, unsigned long long *, char *, size_t);
static int	ctlreq_vif(const char *, char *, char *, size_t);
static int	ctlreq_show(char **, int, struct ctlreq *, char *, size_t);
static int	ctlreq_set(char **, int, struct ctlreq *, char *, size_t);
static int	ctlreq_capture(char **, int, struct ctlreq *, char *,
		    size_t);
static int	ctlreq_log(char **, int, struct ctlreq *, char *, size_t);

static const char *const ctlreq_batches[] = { "tx", "rx", "copy" };

const char *
ctlreq_batch_name(enum ctlreq_batch b)
{
	if ((unsigned int)b >= sizeof(ctlreq_batches) /
	    sizeof(ctlreq_batches[0]))
		return ("?");
	return (ctlreq_batches[b]);
}

/* ctlreq_fail: the message for the client; returns -1. */
static int
ctlreq_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (-1);
}

/* ctlreq_num: word s as a number of what in [min, max]; 0 or -1. */
static int
ctlreq_num(const char *what, const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out, char *err,
    size_t errlen)
{
	if (num_parse(s, max, out) == -1 || *out < min)
		return (ctlreq_fail(err, errlen, "%s: \"%s\" is not a number "
		    "in %llu..%llu", what, s, min, max));
	return (0);
}

/*
 * ctlreq_vif: word s as a vif name: what the toolstack may call an
 * interface (letters, digits, '.', '-', '_'), shorter than IFNAMSIZ.
 */
static int
ctlreq_vif(const char *s, char *out, char *err, size_t errlen)
{
	size_t i, n = strlen(s);

	if (n >= CTLREQ_VIF_MAX)
		return (ctlreq_fail(err, errlen, "vif name \"%.20s...\" is "
		    "longer than %d characters", s, CTLREQ_VIF_MAX - 1));
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
		    "XYZ0123456789._-", s[i]) == NULL)
			return (ctlreq_fail(err, errlen, "\"%s\" is not a vif "
			    "name", s));
	memcpy(out, s, n + 1);
	return (0);
}

int
ctlreq_parse(const char *buf, size_t len, struct ctlreq *r, char *err,
    size_t errlen)
{
	char line[CTLREQ_MAX], *w[CTLREQ_WORDS + 1], *p, *save;
	size_t i;
	int n;

	memset(r, 0, sizeof(*r));
	if (len >= CTLREQ_MAX)
		return (ctlreq_fail(err, errlen, "request longer than %d "
		    "bytes", CTLREQ_MAX - 1));
	for (i = 0; i < len; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\t')
			return (ctlreq_fail(err, errlen, "request has byte "
			    "0x%02x at %zu: only printable ASCII is allowed",
			    (unsigned char)buf[i], i + 1));
	memcpy(line, buf, len);
	line[len] = '\0';
	n = 0;
	for (p = strtok_r(line, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if (n == CTLREQ_WORDS)
			return (ctlreq_fail(err, errlen, "too many words"));
		w[n++] = p;
	}
	w[n] = NULL;
	if (n == 0)
		return (ctlreq_fail(err, errlen, "empty request"));
	if (strcmp(w[0], "show") == 0)
		return (ctlreq_show(w, n, r, err, errlen));
	if (strcmp(w[0], "set") == 0)
		return (ctlreq_set(w, n, r, err, errlen));
	if (strcmp(w[0], "capture") == 0)
		return (ctlreq_capture(w, n, r, err, errlen));
	if (strcmp(w[0], "log") == 0)
		return (ctlreq_log(w, n, r, err, errlen));
	if (strcmp(w[0], "reload") == 0) {
		if (n != 1)
			return (ctlreq_fail(err, errlen, "usage: reload"));
		r->cr_verb = CTLREQ_RELOAD;
		return (0);
	}
	return (ctlreq_fail(err, errlen, "unknown command \"%.32s\": not "
	    "show, set, capture, reload or log", w[0]));
}

/* show vifs | show stats [vif] */
static int
ctlreq_show(char **w, int n, struct ctlreq *r, char *err, size_t errlen)
{
	if (n == 2 && strcmp(w[1], "vifs") == 0) {
		r->cr_verb = CTLREQ_SHOW_VIFS;
		return (0);
	}
	if ((n == 2 || n == 3) && strcmp(w[1], "stats") == 0) {
		r->cr_verb = CTLREQ_SHOW_STATS;
		return (n == 3 ? ctlreq_vif(w[2], r->cr_vif, err, errlen) : 0);
	}
	return (ctlreq_fail(err, errlen, "usage: show vifs | show stats "
	    "[vif]"));
}

/*
 * set batch tx|rx|copy N [vif]: the limits are the ring engine's
 * (ring.h): a pass takes at most a ring's worth of requests.
 */
static int
ctlreq_set(char **w, int n, struct ctlreq *r, char *err, size_t errlen)
{
	unsigned long long v, max;
	unsigned int b;

	if ((n != 4 && n != 5) || strcmp(w[1], "batch") != 0)
		return (ctlreq_fail(err, errlen, "usage: set batch tx|rx|copy "
		    "N [vif]"));
	for (b = 0; b < 3; b++)
		if (strcmp(w[2], ctlreq_batches[b]) == 0)
			break;
	if (b == 3)
		return (ctlreq_fail(err, errlen, "set batch: \"%.32s\" is not "
		    "tx, rx or copy", w[2]));
	r->cr_verb = CTLREQ_SET_BATCH;
	r->cr_batch = (enum ctlreq_batch)b;
	max = r->cr_batch == CTLREQ_BATCH_COPY ? RING_COPY_MAX :
	    RING_BATCH_MAX;
	if (ctlreq_num(ctlreq_batches[b], w[3], 1, max, &v, err, errlen) ==
	    -1)
		return (-1);
	r->cr_value = (unsigned int)v;
	return (n == 5 ? ctlreq_vif(w[4], r->cr_vif, err, errlen) : 0);
}

/* capture stop vif | capture vif file [count N | seconds S] */
static int
ctlreq_capture(char **w, int n, struct ctlreq *r, char *err,
    size_t errlen)
{
	unsigned long long v;

	if (n == 3 && strcmp(w[1], "stop") == 0) {
		r->cr_verb = CTLREQ_CAPTURE_STOP;
		return (ctlreq_vif(w[2], r->cr_vif, err, errlen));
	}
	if (n != 3 && n != 5)
		return (ctlreq_fail(err, errlen, "usage: capture vif file "
		    "[count N | seconds S] | capture stop vif"));
	r->cr_verb = CTLREQ_CAPTURE;
	if (ctlreq_vif(w[1], r->cr_vif, err, errlen) == -1)
		return (-1);
	if (strlen(w[2]) >= sizeof(r->cr_file))
		return (ctlreq_fail(err, errlen, "capture file name longer "
		    "than %zu characters", sizeof(r->cr_file) - 1));
	memcpy(r->cr_file, w[2], strlen(w[2]) + 1);
	if (n == 3)
		return (0);
	if (strcmp(w[3], "count") == 0) {
		if (ctlreq_num("count", w[4], 1, CTLREQ_COUNT_MAX, &v, err,
		    errlen) == -1)
			return (-1);
		r->cr_count = v;
		return (0);
	}
	if (strcmp(w[3], "seconds") == 0) {
		if (ctlreq_num("seconds", w[4], 1, CTLREQ_SECONDS_MAX, &v,
		    err, errlen) == -1)
			return (-1);
		r->cr_seconds = (unsigned int)v;
		return (0);
	}
	return (ctlreq_fail(err, errlen, "capture: \"%.32s\" is not count or "
	    "seconds", w[3]));
}

/* log level N | + | - */
static int
ctlreq_log(char **w, int n, struct ctlreq *r, char *err, size_t errlen)
{
	unsigned long long v;

	if (n != 3 || strcmp(w[1], "level") != 0)
		return (ctlreq_fail(err, errlen, "usage: log level N | + | -"));
	r->cr_verb = CTLREQ_LOG_LEVEL;
	if (strcmp(w[2], "+") == 0)
		r->cr_step = 1;
	else if (strcmp(w[2], "-") == 0)
		r->cr_step = -1;
	else if (ctlreq_num("log level", w[2], 0, CTLREQ_LOG_MAX, &v, err,
	    errlen) == -1)
		return (-1);
	else
		r->cr_value = (unsigned int)v;
	return (0);
}
