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
 * Logging: syslog(LOG_DAEMON) normally, stderr in the foreground (-d).
 * log_warn appends strerror(errno), log_warnx does not; log_debug only
 * prints with -v.  fatal/fatalx are for startup failures only.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "xennetd.h"

static int	log_tostderr = 1;
static int	log_verbose;

static void	log_vlog(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
log_init(int tostderr, int verbose)
{
	log_tostderr = tostderr;
	log_verbose = verbose;
	if (!tostderr)
		openlog("xennetd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

/* log_vlog: one line; with_errno appends ": strerror(errno)". */
static void
log_vlog(int pri, int with_errno, const char *fmt, va_list ap)
{
	char msg[1024];
	const char *lvl;
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_tostderr) {
		/* syslog carries the level; on stderr it is spelt out. */
		lvl = pri == LOG_CRIT ? "fatal: " : pri == LOG_WARNING ?
		    "warning: " : "";
		if (with_errno)
			fprintf(stderr, "xennetd: %s%s: %s\n", lvl, msg,
			    strerror(saved));
		else
			fprintf(stderr, "xennetd: %s%s\n", lvl, msg);
		fflush(stderr);
	} else if (with_errno)
		syslog(pri, "%s: %s", msg, strerror(saved));
	else
		syslog(pri, "%s", msg);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
