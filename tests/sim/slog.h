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
 * slog: the one small logger of the simulators (xenstored-sim, xl-sim,
 * netfront-sim, t_nf_backend).  Each message is one line on stderr,
 * "<program>: <message>", with ": <strerror>" after it for the warn
 * and fatal kinds.  The daemon has its own logger (daemon/log.c).
 */

#ifndef SIM_SLOG_H
#define SIM_SLOG_H

enum slog_level {
	SLOG_WARN,		/* always shown */
	SLOG_INFO,		/* always shown */
	SLOG_DEBUG,		/* verbosity 1 and up */
	SLOG_TRACE		/* verbosity 2 and up */
};

/*
 * slog_init: the program name that starts each line, and how verbose to
 * be.  May be called again once the options are known.
 */
void	slog_init(const char *, int);
int	slog_verbosity(void);

/*
 * slog_log: a line at level lvl from who (NULL: the program; a
 * simulator may speak for another program, as xl-sim does for libxl),
 * with ": strerror(errnum)" appended if errnum >= 0.
 */
void	slog_log(enum slog_level, const char *, int, const char *, ...)
	    __attribute__((__format__(printf, 4, 5)));

void	slog_warn(const char *, ...)		/* with strerror(errno) */
	    __attribute__((__format__(printf, 1, 2)));
void	slog_warnx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	slog_info(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	slog_debug(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	slog_trace(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));
/* slog_fatal, slog_fatalx: as slog_warn, slog_warnx, then exit(1). */
void	slog_fatal(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));
void	slog_fatalx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));

#endif /* SIM_SLOG_H */
