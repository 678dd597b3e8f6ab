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
 * fuzz_conf: xennetd.conf(5) as anyone who can write the file may write
 * it -> parse_config (daemon/parse.y).  The input is up to FZ_NFILE
 * files separated by NUL octets: the first is /fz/xennetd.conf, the kth
 * /fz/k.conf, which it (or another) may include as "k.conf" or
 * "/fz/k.conf"; /fz/dir is a directory.  They live in memory
 * (parse_set_open): an include never reaches the file system, and every
 * other name is missing.  Macros are the parser's own, in memory too.
 * Checked beyond the sanitizers: an accepted file parsed a second time
 * gives the same configuration (nothing of one parse, macros included,
 * leaks into the next; refused files are not parsed twice: most inputs
 * are refused, and a second parse of each would halve the runs), and
 * every setting of an accepted file is within the ranges the engine
 * takes (ring_config_check) and xennetd.conf(5) gives.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xennetd.h"

#define FZ_NFILE	8
#define FZ_DIR		"/fz/"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct {
	uint8_t		*ff_buf;
	size_t		 ff_len;
} fz_files[FZ_NFILE];
static unsigned int	 fz_nfiles;
static char		 fz_empty[1];	/* the directory's contents */

/*
 * fz_open: the parser's opener: /fz/xennetd.conf is file 0, /fz/k.conf
 * file k, /fz/dir a directory; ENOENT for anything else.
 */
static FILE *
fz_open(const char *name, struct stat *st)
{
	const char *rest;
	unsigned int k;
	FILE *fp;

	if (strncmp(name, FZ_DIR, strlen(FZ_DIR)) != 0) {
		errno = ENOENT;
		return (NULL);
	}
	rest = name + strlen(FZ_DIR);
	memset(st, 0, sizeof(*st));
	st->st_dev = 1;
	if (strcmp(rest, "dir") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_ino = FZ_NFILE + 1;
		return (fmemopen(fz_empty, 0, "r"));
	}
	if (strcmp(rest, "xennetd.conf") == 0)
		k = 0;
	else if (rest[0] >= '1' && rest[0] < '0' + FZ_NFILE &&
	    strcmp(rest + 1, ".conf") == 0)
		k = (unsigned int)(rest[0] - '0');
	else
		k = FZ_NFILE;
	if (k >= fz_nfiles) {
		errno = ENOENT;
		return (NULL);
	}
	if ((fp = fmemopen(fz_files[k].ff_buf, fz_files[k].ff_len,
	    "r")) == NULL)
		return (NULL);
	st->st_mode = S_IFREG | 0644;
	st->st_ino = k + 1;
	return (fp);
}

/* fz_ring_ok: the batch settings a vif_conf sets are the engine's. */
static void
fz_ring_ok(const struct vif_conf *vc, unsigned int set)
{
	struct ring_config rc;
	const char *why;

	ring_config_default(&rc);
	if (set & CONF_TX)
		rc.rc_tx_batch = vc->vc_ring.rc_tx_batch;
	if (set & CONF_RX)
		rc.rc_rx_batch = vc->vc_ring.rc_rx_batch;
	if (set & CONF_COPY)
		rc.rc_copy_batch = vc->vc_ring.rc_copy_batch;
	if (set & CONF_NOTIFY)
		rc.rc_notify = vc->vc_ring.rc_notify;
	if (ring_config_check(&rc, &why) == -1)
		abort();
	if ((set & CONF_MTU) &&
	    (vc->vc_mtu < CONF_MTU_MIN || vc->vc_mtu > CONF_MTU_MAX))
		abort();
	if ((set & CONF_RATE) && vc->vc_rate_bytes != 0 &&
	    (vc->vc_rate_bytes > CONF_RATE_BYTES_MAX || vc->vc_rate_usec == 0 ||
	    vc->vc_rate_usec > CONF_RATE_USEC_MAX))
		abort();
	if (vc->vc_port_if[sizeof(vc->vc_port_if) - 1] != '\0')
		abort();
}

/* fz_same: 1 if a and b say the same (both from calloc: padding 0). */
static int
fz_same(const struct conf *a, const struct conf *b)
{
	const struct conf_block *x, *y;

	if (memcmp(a, b, offsetof(struct conf, cf_blocks)) != 0)
		return (0);
	for (x = TAILQ_FIRST(&a->cf_blocks), y = TAILQ_FIRST(&b->cf_blocks);
	    x != NULL && y != NULL;
	    x = TAILQ_NEXT(x, cb_entry), y = TAILQ_NEXT(y, cb_entry))
		if (memcmp(&x->cb_match, &y->cb_match, sizeof(*x) -
		    offsetof(struct conf_block, cb_match)) != 0)
			return (0);
	return (x == NULL && y == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	static int init;
	const struct conf_block *b;
	struct conf *c1, *c2;
	uint8_t *copy, *p, *end, *nul;

	if (!init) {
		parse_set_open(fz_open);
		/* the parser's messages: one write a buffer, not a line */
		setvbuf(stderr, NULL, _IOFBF, 1 << 16);
		init = 1;
	}
	/* the parser's streams want their own (fmemopen: not const) */
	if ((copy = malloc(len + 1)) == NULL)
		abort();
	memcpy(copy, in, len);
	end = copy + len;
	for (fz_nfiles = 0, p = copy; fz_nfiles < FZ_NFILE; fz_nfiles++) {
		nul = memchr(p, '\0', (size_t)(end - p));
		fz_files[fz_nfiles].ff_buf = p;
		fz_files[fz_nfiles].ff_len = (size_t)((nul != NULL ? nul : end) -
		    p);
		if (nul == NULL) {
			fz_nfiles++;
			break;
		}
		p = nul + 1;
	}
	c1 = parse_config(FZ_DIR "xennetd.conf", 0, 1);
	c2 = NULL;
	if (c1 != NULL) {
		c2 = parse_config(FZ_DIR "xennetd.conf", 0, 1);
		if (c2 == NULL || !fz_same(c1, c2))
			abort();
		fz_ring_ok(&c1->cf_vif, c1->cf_vifset);
		TAILQ_FOREACH(b, &c1->cf_blocks, cb_entry) {
			fz_ring_ok(&b->cb_vc, b->cb_set);
			if (b->cb_name[sizeof(b->cb_name) - 1] != '\0' ||
			    b->cb_where[sizeof(b->cb_where) - 1] != '\0')
				abort();
		}
		if (c1->cf_capture_dir[sizeof(c1->cf_capture_dir) - 1] != '\0')
			abort();
	}
	parse_free(c1);
	parse_free(c2);
	/* all freed: libFuzzer looks for a leak when an input is not */
	free(copy);
	return (0);
}
