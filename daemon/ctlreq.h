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
 * The control protocol's requests: one line of text each, parsed here
 * and nowhere else.  The daemon (control.c) parses what a client sent,
 * xennetctl parses what it is about to send (so that a bad command fails
 * before it reaches the daemon), and a fuzz harness can call
 * ctlreq_parse on any bytes.  No daemon state: only the request.
 */

#ifndef XENNET_CTLREQ_H
#define XENNET_CTLREQ_H

#include <stddef.h>
#include <stdint.h>

/* The daemon's control socket, unless -C says otherwise. */
#define XENNETD_SOCKET		RUNSTATEDIR "/xennetd.sock"

#define CTLREQ_MAX		1024	/* bytes in a request, newline too */
#define CTLREQ_VIF_MAX		16	/* IFNAMSIZ: a vif name and its NUL */
#define CTLREQ_FILE_MAX		512	/* a capture file name and its NUL */
#define CTLREQ_LOG_MAX		9	/* log level 0..9 */
#define CTLREQ_COUNT_MAX	1000000000ULL	/* capture ... count */
#define CTLREQ_SECONDS_MAX	86400	/* capture ... seconds: a day */

enum ctlreq_verb {
	CTLREQ_SHOW_VIFS,	/* show vifs */
	CTLREQ_SHOW_STATS,	/* show stats [vif] */
	CTLREQ_SET_BATCH,	/* set batch tx|rx|copy N [vif] */
	CTLREQ_CAPTURE,		/* capture vif file [count N|seconds S] */
	CTLREQ_CAPTURE_STOP,	/* capture stop vif */
	CTLREQ_RELOAD,		/* reload */
	CTLREQ_LOG_LEVEL	/* log level N|+|- */
};

enum ctlreq_batch {
	CTLREQ_BATCH_TX, CTLREQ_BATCH_RX, CTLREQ_BATCH_COPY
};

struct ctlreq {
	enum ctlreq_verb	 cr_verb;
	char			 cr_vif[CTLREQ_VIF_MAX];	/* "": all */
	enum ctlreq_batch	 cr_batch;
	unsigned int		 cr_value;	/* batch size, log level */
	int			 cr_step;	/* log level + (1), - (-1) */
	char			 cr_file[CTLREQ_FILE_MAX];
	uint64_t		 cr_count;	/* 0: no limit */
	unsigned int		 cr_seconds;	/* 0: no limit */
};

/*
 * ctlreq_parse: the request in the len bytes at buf (no newline; need
 * not end in NUL).  0 with *r filled, or -1 with a message for the
 * client in err (errlen bytes).
 */
int	ctlreq_parse(const char *buf, size_t len, struct ctlreq *r,
	    char *err, size_t errlen);
/* ctlreq_batch_name: "tx", "rx" or "copy". */
const char *ctlreq_batch_name(enum ctlreq_batch);

#endif /* XENNET_CTLREQ_H */
