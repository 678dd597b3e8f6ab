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
 * Simulated domains (simdom.h), for the simulators' toolkit: the files
 * of a domain in the sim run directory (lib/simrun.h), made and removed
 * as the toolstack would (simdom_create, simdom_destroy) and used from
 * the inside as the guest would (simdom_attach, simdom_grant,
 * simdom_ungrant).  The sim provider (lib/hv-sim.c) opens the same files
 * through simrun_dom_open to act as the hypervisor, and is called here
 * only through its toolstack hooks (lib/hv-sim.h).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv-sim.h"
#include "simdom.h"
#include "simrun.h"

struct simdom {
	char			 sm_dir[PATH_MAX];
	struct simrun_dom	*sm_dom;
	uint32_t		 sm_next;	/* next ref to try */
};

static const char *const simdom_files[] = { "info", "mem", "gnttab",
    "active" };

static int	simdom_mkfile(int, const char *, off_t, const void *, size_t);
static void	simdom_rmtree(const char *);
static int	 simdom_revoke(union simrun_gnt *);

/*
 * simdom_mkfile: create name in directory dfd with size bytes (sparse)
 * and, if data is given, len bytes of it at the start.  Returns 0 or -1
 * with errno.
 */
static int
simdom_mkfile(int dfd, const char *name, off_t size, const void *data,
    size_t len)
{
	int fd, saved, rv = -1;

	fd = openat(dfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		return (-1);
	if (ftruncate(fd, size) == -1)
		goto out;
	if (data != NULL && pwrite(fd, data, len, 0) != (ssize_t)len) {
		if (errno == 0)
			errno = EIO;
		goto out;
	}
	rv = 0;
 out:
	saved = errno;
	close(fd);
	errno = saved;
	return (rv);
}

/*
 * simdom_rmtree: remove a domain directory and the files it may hold.
 */
static void
simdom_rmtree(const char *path)
{
	size_t i;
	int dfd;

	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		for (i = 0; i < sizeof(simdom_files) / sizeof(simdom_files[0]);
		    i++)
			(void)unlinkat(dfd, simdom_files[i], 0);
		close(dfd);
	}
	(void)rmdir(path);
}

/*
 * simdom_create: what "xl create" does for memory and grants: make domain
 * domid with npages pages of zeroed memory and an empty grant table.
 * Domain 0 always exists and cannot be created.  Returns 0, or -1 with
 * errno (EEXIST if the domain exists, EINVAL for a bad domid/npages).
 */
int
simdom_create(const char *simdir, uint32_t domid, unsigned int npages)
{
	static unsigned int seq;
	struct simrun_info info;
	char path[PATH_MAX], tmp[PATH_MAX];
	const char *dir = simrun_dir(simdir);
	struct timespec ts;
	struct stat st;
	int dfd = -1, saved;

	if (domid == 0 || domid >= DOMID_FIRST_RESERVED || npages == 0 ||
	    npages > SIMRUN_MAX_PAGES) {
		errno = EINVAL;
		return (-1);
	}
	if (simrun_mkdirs(dir) == -1 ||
	    simrun_path(path, sizeof(path), dir, "dom%u", domid) == -1 ||
	    simrun_path(tmp, sizeof(tmp), dir, ".new.dom%u.XXXXXX",
	    domid) == -1)
		return (-1);
	if (stat(path, &st) == 0) {
		errno = EEXIST;
		return (-1);
	}
	if (mkdtemp(tmp) == NULL)
		return (-1);
	if ((dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	memset(&info, 0, sizeof(info));
	info.si_magic = SIMRUN_INFO_MAGIC;
	info.si_domid = domid;
	info.si_npages = npages;
	info.si_exists = 1;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	info.si_gen = ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec) ^
	    ((uint64_t)getpid() << 40) ^ ((uint64_t)__atomic_fetch_add(&seq,
	    1, __ATOMIC_RELAXED) << 32);
	if (simdom_mkfile(dfd, "info", sizeof(info), &info,
	    sizeof(info)) == -1 ||
	    simdom_mkfile(dfd, "mem", (off_t)npages * HV_PAGE_SIZE, NULL,
	    0) == -1 ||
	    simdom_mkfile(dfd, "gnttab", SIMRUN_NR_GRANTS *
	    sizeof(union simrun_gnt), NULL, 0) == -1 ||
	    simdom_mkfile(dfd, "active", SIMRUN_NR_GRANTS *
	    sizeof(struct simrun_pin), NULL, 0) == -1)
		goto fail;
	close(dfd);
	dfd = -1;
	if (rename(tmp, path) == -1) {
		if (errno == ENOTEMPTY)
			errno = EEXIST;
		goto fail;
	}
	return (0);
 fail:
	saved = errno;
	if (dfd != -1)
		close(dfd);
	simdom_rmtree(tmp);
	errno = saved;
	return (-1);
}

/*
 * simdom_destroy: what "xl destroy" does: mark the domain dying (new
 * grant operations on it fail from now on), close its event channels
 * (their peers become unbound), then remove its files.  Mappings and
 * attachments others hold stay valid memory until they let go, as a
 * dying domain's pages do on Xen.  Returns 0, or -1 with ESRCH if there
 * is no such domain.
 */
int
simdom_destroy(const char *simdir, uint32_t domid)
{
	static unsigned int seq;
	char path[PATH_MAX], dead[PATH_MAX];
	const char *dir = simrun_dir(simdir);
	struct simrun_info *info;

	if (simrun_info_open(dir, domid, &info) == -1)
		return (-1);
	if (__atomic_exchange_n(&info->si_dying, 1, __ATOMIC_SEQ_CST) != 0) {
		/* Someone else is destroying it. */
		simrun_info_close(info);
		errno = ESRCH;
		return (-1);
	}
	(void)hv_sim_evtchn_destroy(dir, domid);
	if (simrun_path(path, sizeof(path), dir, "dom%u", domid) == -1 ||
	    simrun_path(dead, sizeof(dead), dir, ".dead.dom%u.%ld.%u", domid,
	    (long)getpid(), __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED)) ==
	    -1 || rename(path, dead) == -1) {
		simrun_info_close(info);
		return (-1);
	}
	__atomic_store_n(&info->si_exists, 0, __ATOMIC_SEQ_CST);
	simrun_info_close(info);
	simdom_rmtree(dead);
	return (0);
}

/*
 * simdom_set_shutdown: the guest has shut down (it still exists until
 * destroyed).  Returns 0, or -1 with ESRCH.
 */
int
simdom_set_shutdown(const char *simdir, uint32_t domid)
{
	struct simrun_info *info;

	if (simrun_info_open(simrun_dir(simdir), domid, &info) == -1)
		return (-1);
	__atomic_store_n(&info->si_shutdown, 1, __ATOMIC_SEQ_CST);
	simrun_info_close(info);
	return (0);
}

/*
 * simdom_attach: the guest's view of its own domain: memory and grant
 * table.  Returns NULL with errno (ESRCH: no such domain).
 */
struct simdom *
simdom_attach(const char *simdir, uint32_t domid)
{
	struct simdom *sm;
	int saved;

	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return (NULL);
	if (strlen(simrun_dir(simdir)) >= sizeof(sm->sm_dir)) {
		free(sm);
		errno = ENAMETOOLONG;
		return (NULL);
	}
	memcpy(sm->sm_dir, simrun_dir(simdir), strlen(simrun_dir(simdir)) +
	    1);
	if (simrun_dom_open(sm->sm_dir, domid, &sm->sm_dom) == -1) {
		saved = errno;
		free(sm);
		errno = saved;
		return (NULL);
	}
	sm->sm_next = SIMRUN_FIRST_REF;
	return (sm);
}

void
simdom_detach(struct simdom *sm)
{

	if (sm == NULL)
		return;
	simrun_dom_rele(sm->sm_dom);
	free(sm);
}

unsigned int
simdom_npages(struct simdom *sm)
{

	return (sm == NULL ? 0 : sm->sm_dom->sd_npages);
}

/*
 * simdom_page: the guest's page frame, or NULL (EINVAL) beyond memory.
 */
void *
simdom_page(struct simdom *sm, uint32_t frame)
{

	if (sm == NULL || frame >= sm->sm_dom->sd_npages) {
		errno = EINVAL;
		return (NULL);
	}
	return (sm->sm_dom->sd_mem + (size_t)frame * HV_PAGE_SIZE);
}

/*
 * simdom_grant: grant domid access to frame, as a guest does: claim a
 * free entry (refs below SIMRUN_FIRST_REF are reserved), fill in domid
 * and frame, then, after a write barrier, the flags that make it valid.
 * The frame is not checked, as Xen does not check it before use.  A free
 * entry is all zero; it is claimed with a compare-and-swap that puts
 * DOMID_INVALID in it, so several attachments can grant concurrently.
 * Returns the ref, or -1 with ENOSPC if the table is full.
 */
int
simdom_grant(struct simdom *sm, uint32_t frame, uint16_t domid,
    int readonly)
{
	union simrun_gnt *tab, claim, g;
	uint32_t i, ref;
	uint64_t zero;

	if (sm == NULL) {
		errno = EINVAL;
		return (-1);
	}
	tab = sm->sm_dom->sd_gnt;
	memset(&claim, 0, sizeof(claim));
	claim.sg_e.domid = DOMID_INVALID;
	for (i = 0; i < SIMRUN_NR_GRANTS - SIMRUN_FIRST_REF; i++) {
		ref = sm->sm_next + i;
		if (ref >= SIMRUN_NR_GRANTS)
			ref -= SIMRUN_NR_GRANTS - SIMRUN_FIRST_REF;
		zero = 0;
		if (__atomic_load_n(&tab[ref].sg_w, __ATOMIC_RELAXED) != 0 ||
		    !__atomic_compare_exchange_n(&tab[ref].sg_w, &zero,
		    claim.sg_w, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		memset(&g, 0, sizeof(g));
		g.sg_e.domid = domid;
		g.sg_e.frame = frame;
		__atomic_store_n(&tab[ref].sg_w, g.sg_w, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);	/* wmb() */
		g.sg_e.flags = GTF_permit_access |
		    (readonly ? GTF_readonly : 0);
		__atomic_store_n(&tab[ref].sg_w, g.sg_w, __ATOMIC_RELEASE);
		sm->sm_next = ref + 1 < SIMRUN_NR_GRANTS ? ref + 1 :
		    SIMRUN_FIRST_REF;
		return ((int)ref);
	}
	errno = ENOSPC;
	return (-1);
}

/*
 * simdom_revoke: clear a grant entry unless it is mapped.  Returns 0 or
 * -1 with EBUSY or EINVAL (unused).
 */
static int
simdom_revoke(union simrun_gnt *e)
{
	union simrun_gnt g;

	g.sg_w = __atomic_load_n(&e->sg_w, __ATOMIC_ACQUIRE);
	do {
		if (g.sg_e.flags & (GTF_reading | GTF_writing)) {
			errno = EBUSY;
			return (-1);
		}
		if (g.sg_e.flags == 0) {
			errno = EINVAL;
			return (-1);
		}
	} while (!__atomic_compare_exchange_n(&e->sg_w, &g.sg_w, 0, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return (0);
}

/*
 * simdom_ungrant: revoke a grant, as gnttab_end_foreign_access does:
 * atomically clear the entry unless a mapping has GTF_reading or
 * GTF_writing set.  If it is mapped, mappings left by dead processes are
 * released first (on Xen they die with the process) and the revoke is
 * tried once more.  Returns 0, or -1 with EBUSY while mapped, EINVAL for
 * a reserved, out of range or unused ref.
 */
int
simdom_ungrant(struct simdom *sm, uint32_t ref)
{
	union simrun_gnt *e;

	if (sm == NULL || ref < SIMRUN_FIRST_REF || ref >= SIMRUN_NR_GRANTS) {
		errno = EINVAL;
		return (-1);
	}
	e = &sm->sm_dom->sd_gnt[ref];
	if (simdom_revoke(e) == 0)
		return (0);
	if (errno != EBUSY)
		return (-1);
	if (hv_sim_reap_maps(sm->sm_dir) <= 0) {
		errno = EBUSY;
		return (-1);
	}
	return (simdom_revoke(e));
}

/*
 * simdom_alive: 1 while the domain exists and is not being destroyed.
 */
int
simdom_alive(struct simdom *sm)
{

	return (sm != NULL && simrun_dom_live(sm->sm_dom));
}
