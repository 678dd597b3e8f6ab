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

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slog.h"

static const char	*slog_prog = "sim";
static int		 slog_verbose;

static void	slog_vlog(enum slog_level, const char *, int, const char *,
		    va_list) __attribute__((__format__(printf, 4, 0)));

void
slog_init(const char *prog, int verbosity)
{

	slog_prog = prog;
	slog_verbose = verbosity;
}

int
slog_verbosity(void)
{

	return (slog_verbose);
}

/*
 * slog_vlog: the line is formatted first and written with one call, so
 * that lines of processes sharing a log file do not interleave.  errno
 * is left as it was.
 */
static void
slog_vlog(enum slog_level lvl, const char *who, int errnum, const char *fmt,
    va_list ap)
{
	char msg[2048];
	int save = errno;

	if ((lvl == SLOG_DEBUG && slog_verbose < 1) ||
	    (lvl == SLOG_TRACE && slog_verbose < 2))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum >= 0)
		fprintf(stderr, "%s: %s: %s\n", who != NULL ? who : slog_prog,
		    msg, strerror(errnum));
	else
		fprintf(stderr, "%s: %s\n", who != NULL ? who : slog_prog, msg);
	errno = save;
}

void
slog_log(enum slog_level lvl, const char *who, int errnum, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(lvl, who, errnum, fmt, ap);
	va_end(ap);
}

void
slog_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_WARN, NULL, errno, fmt, ap);
	va_end(ap);
}

void
slog_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_WARN, NULL, -1, fmt, ap);
	va_end(ap);
}

void
slog_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_INFO, NULL, -1, fmt, ap);
	va_end(ap);
}

void
slog_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_DEBUG, NULL, -1, fmt, ap);
	va_end(ap);
}

void
slog_trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_TRACE, NULL, -1, fmt, ap);
	va_end(ap);
}

void
slog_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_WARN, NULL, errno, fmt, ap);
	va_end(ap);
	exit(1);
}

void
slog_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_vlog(SLOG_WARN, NULL, -1, fmt, ap);
	va_end(ap);
	exit(1);
}
