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
 * Fault injection for the tests, in --enable-debug builds only
 * (XENNET_FAULTS).  A tap's writes fail with ENOBUFS while the file
 * $XENNET_FAULT_ENOBUFS/<tap name> exists.  A real tap never refuses a
 * write so (measured on Linux 6.1: writes to a tap that is up, with
 * txqueuelen 0 or a pfifo of limit 0, all succeed, since the qdisc is
 * on the other direction; a tap that is down gives EIO), but a port
 * that is a packet socket does (the bpf port, when the interface's
 * qdisc drops): this is how the tests show what the daemon does then.
 */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

#ifdef XENNET_FAULTS

#define FAULT_ENV	"XENNET_FAULT_ENOBUFS"
#define FAULT_CHECK_MS	50	/* the file is looked at so often */

/* fault_port_init: learn the tap's name (nothing happens if unknown). */
void
fault_port_init(struct fault_port *fp, int fd)
{
	memset(fp, 0, sizeof(*fp));
	if (getenv(FAULT_ENV) == NULL ||
	    osdep_tap_name(fd, fp->fp_name, sizeof(fp->fp_name)) == -1)
		fp->fp_name[0] = '\0';
}

/* fault_enobufs: 1 if this write is to fail with ENOBUFS, else 0. */
int
fault_enobufs(struct fault_port *fp)
{
	char path[PATH_MAX];
	const char *dir;
	uint64_t now;

	if (fp->fp_name[0] == '\0')
		return (0);
	now = throttle_now();
	if (now - fp->fp_checked_ms >= FAULT_CHECK_MS) {
		fp->fp_checked_ms = now;
		dir = getenv(FAULT_ENV);
		fp->fp_on = dir != NULL && (size_t)snprintf(path,
		    sizeof(path), "%s/%s", dir, fp->fp_name) < sizeof(path) &&
		    access(path, F_OK) == 0;
	}
	return (fp->fp_on);
}

#endif /* XENNET_FAULTS */
