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


/* Linux specifics: the in-kernel netback check, CPU count. */

#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

/*
 * osdep_kernel_netback: 1 if Linux's xen-netback is loaded or its vif
 * backend driver is registered (it would claim every backend/vif device
 * we serve), with what was found in why; 0 if not.
 */
int
osdep_kernel_netback(char *why, size_t len)
{
	static const char *paths[] = {
		"/sys/module/xen_netback",
		"/sys/bus/xen-backend/drivers/vif",
	};
	struct stat sb;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (stat(paths[i], &sb) == 0) {
			snprintf(why, len, "%s exists", paths[i]);
			return (1);
		}
	}
	return (0);
}

int
osdep_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n < 1 ? 1 : (int)n);
}
