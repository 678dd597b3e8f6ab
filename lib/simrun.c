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
 * The simulated machine's run directory (simrun.h): paths in it, its
 * subdirectories, and the files of one simulated domain, opened and
 * mapped for whoever uses them: the sim provider acting as the
 * hypervisor, or the guest and toolstack side of tests/sim.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simrun.h"

static void	*simrun_mapat(int, const char *, size_t, int *);

/*
 * simrun_dir: the run directory to use: simdir if given, else
 * $XENNET_SIM_DIR, else the default.
 */
const char *
simrun_dir(const char *simdir)
{
	const char *env;

	if (simdir != NULL && *simdir != '\0')
		return (simdir);
	if ((env = getenv(SIMRUN_DIR_ENV)) != NULL && *env != '\0')
		return (env);
	return (SIMRUN_DEFAULT_DIR);
}

/*
 * simrun_path: format "<dir>/<fmt...>" into buf.  Returns 0, or -1 with
 * ENAMETOOLONG if it does not fit.
 */
int
simrun_path(char *buf, size_t len, const char *dir, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, len, "%s/", dir);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - n) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/*
 * simrun_mkdirs: make the run directory and its evtchn/ and maps/
 * subdirectories if they do not exist yet.  Returns 0 or -1 with errno.
 */
int
simrun_mkdirs(const char *dir)
{
	static const char *const subdirs[] = { "evtchn", "maps" };
	char path[PATH_MAX];
	size_t i;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return (-1);
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		if (simrun_path(path, sizeof(path), dir, "%s",
		    subdirs[i]) == -1)
			return (-1);
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			return (-1);
	}
	return (0);
}

/*
 * simrun_mapfd: map len bytes of fd shared and writable.  Returns the
 * address or NULL with errno.
 */
void *
simrun_mapfd(int fd, size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return (p == MAP_FAILED ? NULL : p);
}

/*
 * simrun_mapat: open name in directory dfd and map it whole, checking
 * that it is exactly len bytes long (a short file would SIGBUS).  With
 * fdp the descriptor is kept open and returned there.  Returns the
 * mapping or NULL with errno.
 */
static void *
simrun_mapat(int dfd, const char *name, size_t len, int *fdp)
{
	struct stat st;
	void *p = NULL;
	int fd, saved;

	if ((fd = openat(dfd, name, O_RDWR | O_CLOEXEC)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1)
		goto out;
	if ((uintmax_t)st.st_size != (uintmax_t)len) {
		errno = EINVAL;
		goto out;
	}
	p = simrun_mapfd(fd, len);
 out:
	saved = errno;
	if (p != NULL && fdp != NULL)
		*fdp = fd;
	else
		close(fd);
	errno = saved;
	return (p);
}

/*
 * simrun_info_open: map the info file of domain domid, to read or change
 * its state; simrun_info_close unmaps it.  Returns 0, or -1 with ESRCH if
 * there is no such domain.
 */
int
simrun_info_open(const char *dir, uint32_t domid, struct simrun_info **infop)
{
	char path[PATH_MAX];
	struct simrun_info *info;
	int fd;

	if (simrun_path(path, sizeof(path), dir, "dom%u", domid) == -1)
		return (-1);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return (-1);
	}
	info = simrun_mapat(fd, "info", sizeof(*info), NULL);
	close(fd);
	if (info == NULL) {
		if (errno == ENOENT)
			errno = ESRCH;
		return (-1);
	}
	*infop = info;
	return (0);
}

void
simrun_info_close(struct simrun_info *info)
{

	munmap(info, sizeof(*info));
}

/*
 * simrun_dom_info: domain information as hv_dominfo reports it.  No
 * directory means no domain, except for domain 0 which always exists.
 * Returns 0, or -1 with errno for other failures.
 */
int
simrun_dom_info(const char *dir, uint32_t domid, struct hv_dominfo *di)
{
	struct simrun_info *info;

	di->hd_domid = domid;
	di->hd_exists = di->hd_dying = di->hd_shutdown = 0;
	if (simrun_info_open(dir, domid, &info) == -1) {
		if (errno != ESRCH)
			return (-1);
		di->hd_exists = (domid == 0);
		return (0);
	}
	di->hd_exists = __atomic_load_n(&info->si_exists, __ATOMIC_ACQUIRE);
	di->hd_dying = __atomic_load_n(&info->si_dying, __ATOMIC_ACQUIRE);
	di->hd_shutdown = __atomic_load_n(&info->si_shutdown,
	    __ATOMIC_ACQUIRE);
	simrun_info_close(info);
	return (0);
}

/*
 * simrun_dom_open: open domain domid's files and map them.  Returns 0
 * with a reference in *domp, or -1 with errno (ESRCH: no such domain or
 * dying; EINVAL: damaged files).
 */
int
simrun_dom_open(const char *dir, uint32_t domid, struct simrun_dom **domp)
{
	char path[PATH_MAX];
	struct simrun_dom *dom;
	int dfd, saved;

	if (simrun_path(path, sizeof(path), dir, "dom%u", domid) == -1)
		return (-1);
	if ((dom = calloc(1, sizeof(*dom))) == NULL)
		return (-1);
	dom->sd_domid = domid;
	dom->sd_refs = 1;
	dom->sd_memfd = dom->sd_pinfd = -1;
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		free(dom);
		return (-1);
	}
	if ((dom->sd_info = simrun_mapat(dfd, "info", sizeof(*dom->sd_info),
	    NULL)) == NULL)
		goto fail;
	dom->sd_npages = dom->sd_info->si_npages;
	dom->sd_gen = dom->sd_info->si_gen;
	if (dom->sd_info->si_magic != SIMRUN_INFO_MAGIC ||
	    dom->sd_info->si_domid != domid || dom->sd_npages == 0 ||
	    dom->sd_npages > SIMRUN_MAX_PAGES) {
		errno = EINVAL;
		goto fail;
	}
	if (!simrun_dom_live(dom)) {
		errno = ESRCH;
		goto fail;
	}
	if ((dom->sd_gnt = simrun_mapat(dfd, "gnttab", SIMRUN_NR_GRANTS *
	    sizeof(*dom->sd_gnt), NULL)) == NULL ||
	    (dom->sd_pin = simrun_mapat(dfd, "active", SIMRUN_NR_GRANTS *
	    sizeof(*dom->sd_pin), &dom->sd_pinfd)) == NULL ||
	    (dom->sd_mem = simrun_mapat(dfd, "mem", (size_t)dom->sd_npages *
	    HV_PAGE_SIZE, &dom->sd_memfd)) == NULL)
		goto fail;
	close(dfd);
	*domp = dom;
	return (0);
 fail:
	saved = errno;
	if (saved == ENOENT)
		saved = ESRCH;
	close(dfd);
	dom->sd_refs = 1;
	simrun_dom_rele(dom);
	errno = saved;
	return (-1);
}

/*
 * simrun_dom_rele: drop a reference; the last one unmaps everything.
 */
void
simrun_dom_rele(struct simrun_dom *dom)
{

	if (dom == NULL || --dom->sd_refs > 0)
		return;
	if (dom->sd_mem != NULL)
		munmap(dom->sd_mem, (size_t)dom->sd_npages * HV_PAGE_SIZE);
	if (dom->sd_pin != NULL)
		munmap(dom->sd_pin, SIMRUN_NR_GRANTS * sizeof(*dom->sd_pin));
	if (dom->sd_gnt != NULL)
		munmap(dom->sd_gnt, SIMRUN_NR_GRANTS * sizeof(*dom->sd_gnt));
	if (dom->sd_info != NULL)
		munmap(dom->sd_info, sizeof(*dom->sd_info));
	if (dom->sd_memfd != -1)
		close(dom->sd_memfd);
	if (dom->sd_pinfd != -1)
		close(dom->sd_pinfd);
	free(dom);
}

/*
 * simrun_dom_live: 1 while the domain exists and is not dying.
 */
int
simrun_dom_live(const struct simrun_dom *dom)
{

	return (__atomic_load_n(&dom->sd_info->si_exists, __ATOMIC_ACQUIRE) &&
	    !__atomic_load_n(&dom->sd_info->si_dying, __ATOMIC_ACQUIRE));
}
