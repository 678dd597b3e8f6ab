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
 * xl-sim: libxl-style messages, and the small helpers every part uses.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "slog.h"
#include "xl.h"

struct xl_sitedef {
	const char	*sd_file;
	int		 sd_line;
	const char	*sd_func;
};

/* The line numbers are those of RELEASE-4.17.5; they are informative. */
static const struct xl_sitedef xl_sites[] = {
	[S_DEV_INIT_FAIL] = { "libxl_device.c", 990,
	    "libxl__wait_device_connection" },
	[S_DEV_REMOVED_ALREADY] = { "libxl_device.c", 1067,
	    "libxl__initiate_device_generic_remove" },
	[S_DEV_FORCED] = { "libxl_device.c", 1174,
	    "device_backend_callback" },
	[S_DEV_BACKEND_CB] = { "libxl_device.c", 1181,
	    "device_backend_callback" },
	[S_DEV_NO_HOTPLUG] = { "libxl_device.c", 1254, "device_hotplug" },
	[S_DEV_NO_SCRIPT] = { "libxl_linux.c", 120, "libxl__hotplug_nic" },
	[S_DEV_CALL_HOTPLUG] = { "libxl_device.c", 1269, "device_hotplug" },
	[S_DEV_SCRIPT_ERROR] = { "libxl_device.c", 1337,
	    "device_hotplug_child_death_cb" },
	[S_DEV_AOCOMPLETE] = { "libxl_device.c", 1481,
	    "device_addrm_aocomplete" },
	[S_DEV_EXISTS] = { "libxl_device.c", 1998,
	    "libxl__device_add_async" },
	[S_EV_TIMEDOUT] = { "libxl_event.c", 1038, "devstate_callback" },
	[S_EV_REMOVED] = { "libxl_event.c", 1043, "devstate_callback" },
	[S_EV_OK] = { "libxl_event.c", 1051, "devstate_callback" },
	[S_EV_WAITING] = { "libxl_event.c", 1054, "devstate_callback" },
	[S_AO_KILL] = { "libxl_aoutils.c", 539, "async_exec_timeout" },
	[S_AO_FORK] = { "libxl_aoutils.c", 593, "libxl__async_exec_start" },
	[S_EXEC_STATUS] = { "libxl_exec.c", 118,
	    "libxl_report_child_exitstatus" },
	[S_CREATE_MAKE] = { "libxl_create.c", 709, "libxl__domain_make" },
	[S_CREATE_MAKE_FAIL] = { "libxl_create.c", 1294,
	    "initiate_domain_create" },
	[S_CREATE_ADD_DEVS] = { "libxl_create.c", 1919,
	    "domcreate_attach_devices" },
	[S_CREATE_DESTROY_FAIL] = { "libxl_create.c", 2049,
	    "domcreate_destruction_cb" },
	[S_DOM_RENAME] = { "libxl_domain.c", 81, "libxl__domain_rename" },
	[S_DOM_DESTROY_CB] = { "libxl_domain.c", 1064, "domain_destroy_cb" },
	[S_DOM_UNABLE_GUEST] = { "libxl_domain.c", 1137,
	    "domain_destroy_callback" },
	[S_DOM_NONEXISTENT] = { "libxl_domain.c", 1183,
	    "libxl__destroy_domid" },
	[S_DOM_DEVS_FAILED] = { "libxl_domain.c", 1530,
	    "devices_destroy_cb" },
	[S_DOM_XS_RM] = { "libxl_domain.c", 1538, "devices_destroy_cb" },
	[S_DOM_XC_DESTROY] = { "libxl_domain.c", 1617,
	    "domain_destroy_domid_cb" },
	[S_NIC_IOEMU] = { "libxl_nic.c", 108,
	    "libxl__device_nic_setdefault" },
	[S_XLSIM] = { "xl-sim.c", 0, "xl-sim" },
};

/*
 * xl_log: print a message the way xl's stdio logger prints libxl's:
 * "libxl: error: libxl_device.c:1181:device_backend_callback: Domain 1:
 * unable to ...".  domid < 0 leaves out the "Domain N:" part; errnoval
 * >= 0 appends ": strerror".  Debug messages need -v.  S_XLSIM
 * messages are our own: "xl-sim: error: ...".
 */
void
xl_log(enum xl_level lvl, enum xl_site site, int domid,
    int errnoval, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warning", "error" };
	static const enum slog_level levels[] = { SLOG_DEBUG, SLOG_INFO,
	    SLOG_WARN, SLOG_WARN };
	const struct xl_sitedef *sd = &xl_sites[site];
	char dom[24] = "", msg[1024];
	va_list ap;

	if (lvl == XL_DEBUG && slog_verbosity() == 0)
		return;
	if (domid >= 0)
		snprintf(dom, sizeof(dom), "Domain %d:", domid);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (site == S_XLSIM)
		slog_log(levels[lvl], NULL, errnoval, "%s: %s%s", names[lvl],
		    dom, msg);
	else
		slog_log(levels[lvl], "libxl", errnoval, "%s: %s:%d:%s: %s%s",
		    names[lvl], sd->sd_file, sd->sd_line, sd->sd_func, dom,
		    msg);
}

/* xl_now: monotonic time in milliseconds. */
int64_t
xl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* xl_fmt: snprintf that fails (-1, ENAMETOOLONG) on truncation. */
int
xl_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/* xl_random: len random bytes from /dev/urandom (else a weak PRNG). */
void
xl_random(void *buf, size_t len)
{
	static int seeded;
	unsigned char *p = buf;
	ssize_t n = -1;
	size_t i;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len);
		close(fd);
	}
	if (n == (ssize_t)len)
		return;
	if (!seeded) {
		srandom((unsigned int)(time(NULL) ^ getpid()));
		seeded = 1;
	}
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)random();
}
