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
 * The "sim" provider: the hypervisor side of simulated domains, on the
 * run directory described in simrun.h.  Besides the hv_sim_ops table it
 * offers the simulated toolstack the two hooks of hv-sim.h.
 *
 * Grants follow Xen's grant_table.c: a copy checks each grant side for a
 * live domain (GNTST_bad_domain), a ref in range (GNTST_bad_gntref), an
 * entry that permits access to the calling domain and, for a destination,
 * is not read-only (GNTST_permission_denied), a frame inside the domain's
 * memory (GNTST_bad_page), and then both sides for offset+len within the
 * page (GNTST_bad_copy_arg).  A map pins the entry: GTF_reading, plus
 * GTF_writing if writable, while any mapping holds it, counted in the
 * domain's active file, so the guest cannot revoke a mapped grant.
 *
 * Event channels follow Xen's event_channel.c and the Linux evtchn
 * driver seen through libxenevtchn: a port is free, unbound (reserved for
 * one remote domain) or interdomain (linked to a peer port); a notify
 * sets the peer's pending flag and, if it was clear, rings the peer
 * handle's socket; hv_evtchn_pending delivers a pending port and masks it
 * until hv_evtchn_unmask, which re-raises an event that came meanwhile.
 * Binding leaves an event pending on the new local port, as Xen does
 * ("we may have lost notifications on the remote unbound port").
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv-priv.h"
#include "hv-sim.h"
#include "num.h"
#include "simrun.h"

/* hs_pflags[] bits */
#define HS_OWNED	0x01
#define HS_MASKED	0x02

/* A port file of some domain, mapped. */
struct hv_sim_evf {
	uint32_t		 ef_domid;
	int			 ef_fd;
	struct simrun_evhdr	*ef_hdr;
	struct simrun_port	*ef_port;
};

/* A consistent copy of a port's link fields. */
struct hs_snap {
	uint32_t	sn_state;
	uint32_t	sn_rdomid;
	uint32_t	sn_rport;
	char		sn_owner[SIMRUN_OWNER_LEN];
};

/* One hv_map of this handle. */
struct hs_map {
	uint8_t			*hm_addr;
	unsigned int		 hm_count;
	int			 hm_rw;
	struct simrun_dom	*hm_dom;
	uint32_t		*hm_refs;
};

struct hv_sim {
	char			 hs_dir[PATH_MAX];
	uint32_t		 hs_domid;

	/* Grants. */
	struct simrun_dom	**hs_doms;	/* domains seen, cached */
	unsigned int		 hs_ndoms;
	unsigned int		 hs_domcap;
	struct hs_map		*hs_maps;
	unsigned int		 hs_nmaps;
	unsigned int		 hs_mapcap;
	int			 hs_logfd;	/* maps/<hs_name> */

	/* Event channels. */
	int			 hs_sock;
	char			 hs_name[SIMRUN_OWNER_LEN];
	struct sockaddr_un	 hs_addr;
	struct hv_sim_evf	*hs_ev;		/* our domain's ports */
	struct hv_sim_evf	**hs_evs;	/* other domains', cached */
	unsigned int		 hs_nevs;
	unsigned int		 hs_evcap;
	uint8_t			 hs_pflags[SIMRUN_NR_PORTS];
	uint16_t		 hs_owned[SIMRUN_NR_PORTS];
	unsigned int		 hs_nowned;
	unsigned int		 hs_rr;		/* pending() round robin */
	/* $XENNET_SIM_EVTCHN_OVERFLOW (hv.h): lose every Nth delivery */
	unsigned long long	 hs_ovf_every;
	unsigned long long	 hs_ovf_count;
	int			 hs_overflowed;	/* EFBIG until reset */
};

static void	*hv_sim_open(const char *, uint32_t);
static void	 hv_sim_close(void *);
static int	 hv_sim_own_domid(void *, uint32_t *);
static int	 hv_sim_dominfo(void *, uint32_t, struct hv_dominfo *);
static void	*hv_sim_map(void *, uint32_t, const uint32_t *, unsigned int,
		    int);
static int	 hv_sim_unmap(void *, void *, unsigned int);
static int	 hv_sim_copy(void *, hv_copy_seg *, unsigned int);
static int	 hv_sim_evtchn_fd(void *);
static int	 hv_sim_evtchn_bind(void *, uint32_t, uint32_t);
static int	 hv_sim_evtchn_alloc_unbound(void *, uint32_t);
static int	 hv_sim_evtchn_unbind(void *, uint32_t);
static int	 hv_sim_evtchn_notify(void *, uint32_t);
static int	 hv_sim_evtchn_pending(void *, int *, unsigned int);
static int	 hv_sim_evtchn_unmask(void *, const int *, unsigned int);
static int	 hv_sim_evtchn_reset(void *);

static void	*hv_sim_grow(void *, unsigned int *, size_t, unsigned int);
static void	 hv_sim_prune(struct hv_sim *);
static struct simrun_dom *hv_sim_dom_get(struct hv_sim *, uint32_t);
static int16_t	 hv_sim_gnt_check(struct hv_sim *, struct simrun_dom *,
		    uint32_t, int, union simrun_gnt *);
static int16_t	 hv_sim_copy_side(void *, uint16_t, uint32_t, int,
		    uint8_t **);
static int16_t	 hv_sim_pin(struct hv_sim *, struct simrun_dom *, uint32_t,
		    int, uint32_t *);
static void	 hv_sim_unpin(struct simrun_dom *, uint32_t, int);
static void	 hv_sim_unpin_all(struct simrun_dom *, const uint32_t *,
		    unsigned int, int);
static int	 hv_sim_gntst_errno(int16_t);
static int	 hv_sim_remap(uint8_t *, const uint32_t *, unsigned int,
		    int, int);
static void	 hv_sim_maplog(struct hv_sim *);
static int	 hv_sim_dead_owner(const char *, const char *);

static int	 hv_sim_evf_open(const char *, uint32_t, int,
		    struct hv_sim_evf **);
static void	 hv_sim_evf_close(struct hv_sim_evf *);
static int	 hv_sim_evf_dead(const struct hv_sim_evf *);
static void	 hv_sim_evf_lock(struct hv_sim_evf *, struct hv_sim_evf *);
static void	 hv_sim_evf_unlock(struct hv_sim_evf *, struct hv_sim_evf *);
static struct hv_sim_evf *hv_sim_evf_get(struct hv_sim *, uint32_t);
static void	 hv_sim_port_read(struct simrun_port *, struct hs_snap *);
static void	 hv_sim_port_write(struct simrun_port *, uint32_t, uint32_t,
		    uint32_t, const char *);
static int	 hv_sim_port_alloc(struct hv_sim_evf *);
static int	 hv_sim_port_close(const char *, struct hv_sim_evf *,
		    uint32_t);
static void	 hv_sim_doorbell(struct hv_sim *, const char *, uint32_t);
static void	 hv_sim_own_add(struct hv_sim *, uint32_t);
static void	 hv_sim_own_del(struct hv_sim *, uint32_t);
static int	 hv_sim_own_check(const struct hv_sim *, uint32_t);
static int	 hv_sim_deliverable(struct hv_sim *, uint32_t);
static void	 hv_sim_reap(struct hv_sim *);

const struct hv_ops hv_sim_ops = {
	.ho_name = "sim",
	.ho_synthetic = 1,
	.ho_open = hv_sim_open,
	.ho_close = hv_sim_close,
	.ho_own_domid = hv_sim_own_domid,
	.ho_dominfo = hv_sim_dominfo,
	.ho_map = hv_sim_map,
	.ho_unmap = hv_sim_unmap,
	.ho_copy = hv_sim_copy,
	.ho_evtchn_fd = hv_sim_evtchn_fd,
	.ho_evtchn_bind = hv_sim_evtchn_bind,
	.ho_evtchn_alloc_unbound = hv_sim_evtchn_alloc_unbound,
	.ho_evtchn_unbind = hv_sim_evtchn_unbind,
	.ho_evtchn_notify = hv_sim_evtchn_notify,
	.ho_evtchn_pending = hv_sim_evtchn_pending,
	.ho_evtchn_unmask = hv_sim_evtchn_unmask,
	.ho_evtchn_reset = hv_sim_evtchn_reset,
};

/*
 * hv_sim_open: act as domain domid in run directory simdir: make the run
 * directory if needed, open our domain's port file and bind this
 * handle's socket.  Returns the state or NULL with errno.
 */
static void *
hv_sim_open(const char *simdir, uint32_t domid)
{
	static unsigned int nhandles;
	struct hv_sim *hs;
	const char *dir = simrun_dir(simdir);
	const char *ovf;
	int saved, sndbuf = 1 << 20;

	if (domid >= DOMID_FIRST_RESERVED) {
		errno = EINVAL;
		return (NULL);
	}
	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return (NULL);
	hs->hs_domid = domid;
	hs->hs_sock = -1;
	hs->hs_logfd = -1;
	if (domid == 0 && (ovf = getenv("XENNET_SIM_EVTCHN_OVERFLOW")) !=
	    NULL && *ovf != '\0' &&
	    num_parse(ovf, ULLONG_MAX, &hs->hs_ovf_every) == -1) {
		errno = EINVAL;
		goto fail;
	}
	if (strlen(dir) >= sizeof(hs->hs_dir)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	memcpy(hs->hs_dir, dir, strlen(dir) + 1);
	if (simrun_mkdirs(dir) == -1)
		goto fail;
	if (hv_sim_evf_open(dir, domid, 1, &hs->hs_ev) == -1)
		goto fail;
	(void)snprintf(hs->hs_name, sizeof(hs->hs_name), "h%u.%ld.%u", domid,
	    (long)getpid(), __atomic_fetch_add(&nhandles, 1,
	    __ATOMIC_RELAXED));
	hs->hs_addr.sun_family = AF_UNIX;
	if (simrun_path(hs->hs_addr.sun_path, sizeof(hs->hs_addr.sun_path),
	    dir, "evtchn/%s", hs->hs_name) == -1)
		goto fail;
	if ((hs->hs_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	/*
	 * A doorbell not yet read is charged to the sender's buffer: a large
	 * one lets many stuck peers hold one without blocking the others.
	 */
	(void)setsockopt(hs->hs_sock, SOL_SOCKET, SO_SNDBUF, &sndbuf,
	    sizeof(sndbuf));
	(void)unlink(hs->hs_addr.sun_path);	/* left by a dead process */
	if (bind(hs->hs_sock, (struct sockaddr *)&hs->hs_addr,
	    sizeof(hs->hs_addr)) == -1)
		goto fail;
	hv_sim_reap(hs);
	return (hs);
 fail:
	saved = errno;
	if (hs->hs_sock != -1)
		close(hs->hs_sock);
	hv_sim_evf_close(hs->hs_ev);
	free(hs);
	errno = saved;
	return (NULL);
}

/*
 * hv_sim_close: close every port and mapping of the handle, as closing
 * the evtchn and gntdev devices does, then free it.
 */
static void
hv_sim_close(void *p)
{
	struct hv_sim *hs = p;
	char path[PATH_MAX];
	struct hs_map *m;
	unsigned int i;

	while (hs->hs_nowned > 0)
		(void)hv_sim_evtchn_unbind(hs, hs->hs_owned[0]);
	while (hs->hs_nmaps > 0) {
		m = &hs->hs_maps[0];
		(void)hv_sim_unmap(hs, m->hm_addr, m->hm_count);
	}
	close(hs->hs_sock);
	(void)unlink(hs->hs_addr.sun_path);
	if (hs->hs_logfd != -1) {
		close(hs->hs_logfd);
		if (simrun_path(path, sizeof(path), hs->hs_dir, "maps/%s",
		    hs->hs_name) == 0)
			(void)unlink(path);
	}
	for (i = 0; i < hs->hs_nevs; i++)
		hv_sim_evf_close(hs->hs_evs[i]);
	hv_sim_evf_close(hs->hs_ev);
	for (i = 0; i < hs->hs_ndoms; i++)
		simrun_dom_rele(hs->hs_doms[i]);
	free(hs->hs_evs);
	free(hs->hs_doms);
	free(hs->hs_maps);
	free(hs);
}

static int
hv_sim_own_domid(void *p, uint32_t *domid)
{
	struct hv_sim *hs = p;

	*domid = hs->hs_domid;
	return (0);
}

static int
hv_sim_dominfo(void *p, uint32_t domid, struct hv_dominfo *info)
{
	struct hv_sim *hs = p;

	return (simrun_dom_info(hs->hs_dir, domid, info));
}

/*
 * hv_sim_grow: make the array arr (of *capp elements of size each) hold
 * at least need elements.  Returns the array, maybe moved, or NULL with
 * ENOMEM (arr is then unchanged).
 */
static void *
hv_sim_grow(void *arr, unsigned int *capp, size_t size, unsigned int need)
{
	unsigned int cap;
	void *n;

	if (need <= *capp)
		return (arr);
	cap = *capp == 0 ? 8 : *capp * 2;
	while (cap < need)
		cap *= 2;
	if ((n = reallocarray(arr, cap, size)) == NULL)
		return (NULL);
	*capp = cap;
	return (n);
}

/* ---- grants ---- */

/*
 * hv_sim_prune: drop every dead domain from the caches, so its memory
 * and files go once no mapping holds them (a dying Xen domain lives
 * until its last foreign mapping is gone, not longer), and its port
 * file with them (else a handle keeps the files of the domains it last
 * served open until it serves a new one).
 */
static void
hv_sim_prune(struct hv_sim *hs)
{
	struct simrun_dom *dom;
	struct hv_sim_evf *ev;
	unsigned int i;

	for (i = 0; i < hs->hs_nevs; ) {
		ev = hs->hs_evs[i];
		if (!hv_sim_evf_dead(ev)) {
			i++;
			continue;
		}
		hs->hs_evs[i] = hs->hs_evs[--hs->hs_nevs];
		hv_sim_evf_close(ev);
	}
	for (i = 0; i < hs->hs_ndoms; ) {
		dom = hs->hs_doms[i];
		if (simrun_dom_live(dom)) {
			i++;
			continue;
		}
		hs->hs_doms[i] = hs->hs_doms[--hs->hs_ndoms];
		simrun_dom_rele(dom);
	}
}

/*
 * hv_sim_dom_get: the live domain domid (DOMID_SELF: ours), from the
 * cache or opened now.  Dead domains are dropped from the cache on a
 * miss (the id may have been reused).  Returns NULL with ESRCH if there
 * is none.
 */
static struct simrun_dom *
hv_sim_dom_get(struct hv_sim *hs, uint32_t domid)
{
	struct simrun_dom *dom;
	unsigned int i;
	void *arr;

	if (domid == DOMID_SELF)
		domid = hs->hs_domid;
	for (i = 0; i < hs->hs_ndoms; i++) {
		dom = hs->hs_doms[i];
		if (dom->sd_domid == domid && simrun_dom_live(dom))
			return (dom);
	}
	hv_sim_prune(hs);
	if ((arr = hv_sim_grow(hs->hs_doms, &hs->hs_domcap,
	    sizeof(*hs->hs_doms), hs->hs_ndoms + 1)) == NULL)
		return (NULL);
	hs->hs_doms = arr;
	if (simrun_dom_open(hs->hs_dir, domid, &dom) == -1)
		return (NULL);
	hs->hs_doms[hs->hs_ndoms++] = dom;
	return (dom);
}

/*
 * hv_sim_gnt_check: Xen's checks of one grant entry of dom for use by
 * this handle's domain, writing if write.  The entry read is returned in
 * *g.  Returns GNTST_okay or the GNTST_* code of the refusal.
 */
static int16_t
hv_sim_gnt_check(struct hv_sim *hs, struct simrun_dom *dom, uint32_t ref,
    int write, union simrun_gnt *g)
{

	if (ref >= SIMRUN_NR_GRANTS)
		return (GNTST_bad_gntref);
	g->sg_w = __atomic_load_n(&dom->sd_gnt[ref].sg_w, __ATOMIC_ACQUIRE);
	return (hv_gnt_check(&g->sg_e, hs->hs_domid, write, dom->sd_npages));
}

/*
 * hv_sim_copy_side: resolve the grant side of a copy (ref of domain
 * domid) to the start of its page in *page.  Returns a GNTST_* code.
 */
static int16_t
hv_sim_copy_side(void *p, uint16_t domid, uint32_t ref, int write,
    uint8_t **page)
{
	struct hv_sim *hs = p;
	struct simrun_dom *dom;
	union simrun_gnt g;
	int16_t st;

	if ((dom = hv_sim_dom_get(hs, domid)) == NULL)
		return (GNTST_bad_domain);
	if ((st = hv_sim_gnt_check(hs, dom, ref, write, &g)) != GNTST_okay)
		return (st);
	*page = dom->sd_mem + (size_t)g.sg_e.frame * HV_PAGE_SIZE;
	return (GNTST_okay);
}

/* hv_sim_copy: GNTTABOP_copy on the simulated domains' memory files. */
static int
hv_sim_copy(void *p, hv_copy_seg *seg, unsigned int count)
{

	return (hv_copy_emulate(seg, count, hv_sim_copy_side, p));
}

/*
 * hv_sim_gntst_errno: the errno a refused map reports for a GNTST code.
 */
static int
hv_sim_gntst_errno(int16_t st)
{

	switch (st) {
	case GNTST_bad_domain:
		return (ESRCH);
	case GNTST_permission_denied:
		return (EPERM);
	default:
		return (EINVAL);
	}
}

/*
 * hv_sim_pin: check ref of dom for a mapping (writable if rw) and pin
 * it: count the mapping in the active table and set GTF_reading (and
 * GTF_writing) in the entry with a compare-and-swap, so that it fails if
 * the guest revokes the grant meanwhile.  The caller holds the active
 * table's lock.  The frame is returned in *frame.  Returns a GNTST code.
 */
static int16_t
hv_sim_pin(struct hv_sim *hs, struct simrun_dom *dom, uint32_t ref, int rw,
    uint32_t *frame)
{
	union simrun_gnt g, n;
	int16_t st;

	do {
		if ((st = hv_sim_gnt_check(hs, dom, ref, rw, &g)) !=
		    GNTST_okay)
			return (st);
		n = g;
		n.sg_e.flags |= GTF_reading | (rw ? GTF_writing : 0);
	} while (!__atomic_compare_exchange_n(&dom->sd_gnt[ref].sg_w,
	    &g.sg_w, n.sg_w, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	dom->sd_pin[ref].pn_rd++;
	if (rw)
		dom->sd_pin[ref].pn_wr++;
	*frame = n.sg_e.frame;
	return (GNTST_okay);
}

/*
 * hv_sim_unpin: drop one mapping of ref; clear GTF_writing when the last
 * writable mapping goes and GTF_reading when the last one does.  The
 * caller holds the active table's lock.
 */
static void
hv_sim_unpin(struct simrun_dom *dom, uint32_t ref, int rw)
{
	struct simrun_pin *pn = &dom->sd_pin[ref];
	union simrun_gnt g, n;
	uint16_t clear = 0;

	if (pn->pn_rd > 0)
		pn->pn_rd--;
	if (rw && pn->pn_wr > 0)
		pn->pn_wr--;
	if (pn->pn_wr == 0)
		clear |= GTF_writing;
	if (pn->pn_rd == 0)
		clear |= GTF_reading;
	g.sg_w = __atomic_load_n(&dom->sd_gnt[ref].sg_w, __ATOMIC_ACQUIRE);
	do {
		n = g;
		n.sg_e.flags &= ~clear;
	} while (n.sg_w != g.sg_w &&
	    !__atomic_compare_exchange_n(&dom->sd_gnt[ref].sg_w, &g.sg_w,
	    n.sg_w, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

static void
hv_sim_unpin_all(struct simrun_dom *dom, const uint32_t *refs,
    unsigned int count, int rw)
{
	unsigned int i;

	(void)flock(dom->sd_pinfd, LOCK_EX);
	for (i = 0; i < count; i++)
		hv_sim_unpin(dom, refs[i], rw);
	(void)flock(dom->sd_pinfd, LOCK_UN);
}

/*
 * hv_sim_remap: map the guest frames[count] from memfd over the reserved
 * range at addr, one mmap per run of consecutive frames.  Returns 0 or
 * -1 with errno.
 */
static int
hv_sim_remap(uint8_t *addr, const uint32_t *frames, unsigned int count,
    int rw, int memfd)
{
	unsigned int i, n;
	int prot = rw ? PROT_READ | PROT_WRITE : PROT_READ;

	for (i = 0; i < count; i += n) {
		for (n = 1; i + n < count && frames[i + n] ==
		    frames[i + n - 1] + 1; n++)
			;
		if (mmap(addr + (size_t)i * HV_PAGE_SIZE,
		    (size_t)n * HV_PAGE_SIZE, prot, MAP_SHARED | MAP_FIXED,
		    memfd, (off_t)frames[i] * HV_PAGE_SIZE) == MAP_FAILED)
			return (-1);
	}
	return (0);
}

/*
 * hv_sim_map: map count grants of domid into one range: pin all of them
 * (all or nothing), reserve the range, then map the guest's pages over
 * it.  Returns the address, or NULL with errno: ESRCH (no such domain or
 * dying), EPERM (not granted to us, or read-only and rw), EINVAL (bad
 * ref or frame), or a system error.
 */
static void *
hv_sim_map(void *p, uint32_t domid, const uint32_t *refs, unsigned int count,
    int rw)
{
	struct hv_sim *hs = p;
	struct simrun_dom *dom;
	struct hs_map *m;
	uint32_t *frames = NULL, *copy = NULL;
	void *arr, *addr = MAP_FAILED;
	size_t len = (size_t)count * HV_PAGE_SIZE;
	unsigned int i;
	int16_t st = GNTST_okay;
	int saved;

	if ((dom = hv_sim_dom_get(hs, domid)) == NULL)
		return (NULL);
	if ((arr = hv_sim_grow(hs->hs_maps, &hs->hs_mapcap,
	    sizeof(*hs->hs_maps), hs->hs_nmaps + 1)) == NULL)
		return (NULL);
	hs->hs_maps = arr;
	if ((frames = calloc(count, sizeof(*frames))) == NULL ||
	    (copy = calloc(count, sizeof(*copy))) == NULL)
		goto fail;
	memcpy(copy, refs, count * sizeof(*copy));
	(void)flock(dom->sd_pinfd, LOCK_EX);
	for (i = 0; i < count; i++)
		if ((st = hv_sim_pin(hs, dom, refs[i], rw, &frames[i])) !=
		    GNTST_okay)
			break;
	if (st != GNTST_okay) {
		while (i-- > 0)
			hv_sim_unpin(dom, refs[i], rw);
	}
	(void)flock(dom->sd_pinfd, LOCK_UN);
	if (st != GNTST_okay) {
		errno = hv_sim_gntst_errno(st);
		goto fail;
	}
	addr = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED ||
	    hv_sim_remap(addr, frames, count, rw, dom->sd_memfd) == -1) {
		saved = errno;
		hv_sim_unpin_all(dom, refs, count, rw);
		errno = saved;
		goto fail;
	}
	free(frames);
	m = &hs->hs_maps[hs->hs_nmaps++];
	m->hm_addr = addr;
	m->hm_count = count;
	m->hm_rw = rw;
	m->hm_dom = dom;
	m->hm_refs = copy;
	dom->sd_refs++;
	hv_sim_maplog(hs);
	return (addr);
 fail:
	saved = errno;
	if (addr != MAP_FAILED)
		munmap(addr, len);
	free(frames);
	free(copy);
	errno = saved;
	return (NULL);
}

/*
 * hv_sim_unmap: undo the hv_map of count pages at addr and unpin its
 * grants (also when the domain has died since).  Returns 0, or -1 with
 * EINVAL if that is not a mapping of this handle.
 */
static int
hv_sim_unmap(void *p, void *addr, unsigned int count)
{
	struct hv_sim *hs = p;
	struct hs_map m;
	unsigned int i;

	for (i = 0; i < hs->hs_nmaps; i++)
		if (hs->hs_maps[i].hm_addr == addr)
			break;
	if (i == hs->hs_nmaps || hs->hs_maps[i].hm_count != count) {
		errno = EINVAL;
		return (-1);
	}
	/* Forget it in the log first: dying in between leaks a pin. */
	m = hs->hs_maps[i];
	hs->hs_maps[i] = hs->hs_maps[--hs->hs_nmaps];
	hv_sim_maplog(hs);
	munmap(m.hm_addr, (size_t)m.hm_count * HV_PAGE_SIZE);
	hv_sim_unpin_all(m.hm_dom, m.hm_refs, m.hm_count, m.hm_rw);
	simrun_dom_rele(m.hm_dom);
	free(m.hm_refs);
	hv_sim_prune(hs);
	return (0);
}

/*
 * hv_sim_maplog: rewrite maps/<handle> with every grant this handle has
 * pinned, for hv_sim_reap_maps.  Best effort: without a log a crash only
 * leaks the pins, as it did before.
 */
static void
hv_sim_maplog(struct hv_sim *hs)
{
	char path[PATH_MAX];
	struct simrun_maprec *rec;
	unsigned int i, j, n = 0;
	size_t len;

	if (hs->hs_logfd == -1) {
		if (simrun_path(path, sizeof(path), hs->hs_dir, "maps/%s",
		    hs->hs_name) == -1 ||
		    (hs->hs_logfd = open(path, O_RDWR | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0644)) == -1)
			return;
	}
	for (i = 0; i < hs->hs_nmaps; i++)
		n += hs->hs_maps[i].hm_count;
	if ((rec = calloc(n + 1, sizeof(*rec))) == NULL)
		return;
	for (n = 0, i = 0; i < hs->hs_nmaps; i++)
		for (j = 0; j < hs->hs_maps[i].hm_count; j++, n++) {
			rec[n].mr_gen = hs->hs_maps[i].hm_dom->sd_gen;
			rec[n].mr_domid = hs->hs_maps[i].hm_dom->sd_domid;
			rec[n].mr_ref = hs->hs_maps[i].hm_refs[j];
			rec[n].mr_rw = hs->hs_maps[i].hm_rw;
		}
	len = n * sizeof(*rec);
	/* a log that cannot be cut to size is made anew next time */
	if ((len == 0 || pwrite(hs->hs_logfd, rec, len, 0) == (ssize_t)len) &&
	    ftruncate(hs->hs_logfd, (off_t)len) == -1) {
		close(hs->hs_logfd);
		hs->hs_logfd = -1;
	}
	free(rec);
}

/*
 * hv_sim_dead_owner: 1 if name is a handle name ("h<domid>.<pid>.<n>")
 * whose socket nobody has bound any more: the handle's process died
 * without hv_close.  Asking the socket rather than the pid also works
 * across pid namespaces.
 */
static int
hv_sim_dead_owner(const char *dir, const char *name)
{
	struct sockaddr_un sun;
	unsigned int dom, n;
	long pid;
	int s, dead;

	if (sscanf(name, "h%u.%ld.%u", &dom, &pid, &n) != 3)
		return (0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (simrun_path(sun.sun_path, sizeof(sun.sun_path), dir, "evtchn/%s",
	    name) == -1 ||
	    (s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (0);
	dead = connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    (errno == ECONNREFUSED || errno == ENOENT);
	close(s);
	return (dead);
}

/*
 * hv_sim_reap_maps: release the pins held by handles of dead processes
 * (their mappings died with them, as gntdev's do): claim each such log
 * by renaming it, unpin what it lists in the same incarnation of the
 * domain, remove it.  Returns the number of pins released, or -1 with
 * errno if maps/ cannot be read.
 */
int
hv_sim_reap_maps(const char *dir)
{
	char path[PATH_MAX], claim[PATH_MAX];
	struct simrun_maprec rec;
	struct simrun_dom *dom;
	struct dirent *de;
	DIR *d;
	int fd, released = 0;

	if (simrun_path(path, sizeof(path), dir, "maps") == -1 ||
	    (d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (!hv_sim_dead_owner(dir, de->d_name) ||
		    simrun_path(path, sizeof(path), dir, "maps/%s",
		    de->d_name) == -1 ||
		    simrun_path(claim, sizeof(claim), dir, "maps/.reap.%s.%ld",
		    de->d_name, (long)getpid()) == -1 ||
		    rename(path, claim) == -1)
			continue;
		if ((fd = open(claim, O_RDONLY | O_CLOEXEC)) != -1) {
			while (read(fd, &rec, sizeof(rec)) == sizeof(rec)) {
				if (rec.mr_ref >= SIMRUN_NR_GRANTS ||
				    simrun_dom_open(dir, rec.mr_domid,
				    &dom) == -1)
					continue;
				if (dom->sd_gen == rec.mr_gen) {
					hv_sim_unpin_all(dom, &rec.mr_ref, 1,
					    rec.mr_rw);
					released++;
				}
				simrun_dom_rele(dom);
			}
			close(fd);
		}
		(void)unlink(claim);
	}
	closedir(d);
	return (released);
}

/* ---- event channels ---- */

/*
 * hv_sim_evf_open: open (with create: make if missing) the port file of
 * domain domid.  Returns 0, or -1 with errno: ENOENT if it does not
 * exist (the domain never had a port), ESRCH if the domain was destroyed.
 */
static int
hv_sim_evf_open(const char *dir, uint32_t domid, int create,
    struct hv_sim_evf **evp)
{
	char path[PATH_MAX];
	struct hv_sim_evf *ev;
	struct stat st;
	size_t len = sizeof(struct simrun_evhdr) +
	    SIMRUN_NR_PORTS * sizeof(struct simrun_port);
	int fd, saved;

	if (simrun_path(path, sizeof(path), dir, "evtchn/d%u", domid) == -1)
		return (-1);
	fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
	if (fd == -1)
		return (-1);
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		goto fail;
	ev->ef_domid = domid;
	ev->ef_fd = fd;
	(void)flock(fd, LOCK_EX);
	if (fstat(fd, &st) == -1)
		goto fail;
	if (st.st_size == 0) {
		/* New: the creator initialises it under the lock. */
		if (!create) {
			errno = ENOENT;
			goto fail;
		}
		if (ftruncate(fd, len) == -1)
			goto fail;
	} else if ((uintmax_t)st.st_size != len) {
		errno = EINVAL;
		goto fail;
	}
	if ((ev->ef_hdr = simrun_mapfd(fd, len)) == NULL)
		goto fail;
	ev->ef_port = (struct simrun_port *)(ev->ef_hdr + 1);
	if (ev->ef_hdr->eh_magic == 0) {
		ev->ef_hdr->eh_domid = domid;
		ev->ef_hdr->eh_nports = SIMRUN_NR_PORTS;
		ev->ef_hdr->eh_magic = SIMRUN_EV_MAGIC;
	}
	if (ev->ef_hdr->eh_magic != SIMRUN_EV_MAGIC ||
	    ev->ef_hdr->eh_domid != domid ||
	    ev->ef_hdr->eh_nports != SIMRUN_NR_PORTS) {
		errno = EINVAL;
		goto fail;
	}
	if (hv_sim_evf_dead(ev)) {
		errno = ESRCH;
		goto fail;
	}
	(void)flock(fd, LOCK_UN);
	*evp = ev;
	return (0);
 fail:
	saved = errno;
	if (ev != NULL && ev->ef_hdr != NULL)
		munmap(ev->ef_hdr, len);
	free(ev);
	close(fd);
	errno = saved;
	return (-1);
}

static void
hv_sim_evf_close(struct hv_sim_evf *ev)
{

	if (ev == NULL)
		return;
	munmap(ev->ef_hdr, sizeof(struct simrun_evhdr) +
	    SIMRUN_NR_PORTS * sizeof(struct simrun_port));
	close(ev->ef_fd);
	free(ev);
}

static int
hv_sim_evf_dead(const struct hv_sim_evf *ev)
{

	return (__atomic_load_n(&ev->ef_hdr->eh_dead, __ATOMIC_ACQUIRE) != 0);
}

/*
 * hv_sim_evf_lock: lock one or two port files, the lower domain id
 * first so that two binders cannot deadlock.  b may be NULL or a itself
 * (same domain: the caller passes the same object).
 */
static void
hv_sim_evf_lock(struct hv_sim_evf *a, struct hv_sim_evf *b)
{

	if (b == NULL || b == a)
		(void)flock(a->ef_fd, LOCK_EX);
	else if (a->ef_domid < b->ef_domid) {
		(void)flock(a->ef_fd, LOCK_EX);
		(void)flock(b->ef_fd, LOCK_EX);
	} else {
		(void)flock(b->ef_fd, LOCK_EX);
		(void)flock(a->ef_fd, LOCK_EX);
	}
}

static void
hv_sim_evf_unlock(struct hv_sim_evf *a, struct hv_sim_evf *b)
{

	if (b != NULL && b != a)
		(void)flock(b->ef_fd, LOCK_UN);
	(void)flock(a->ef_fd, LOCK_UN);
}

/*
 * hv_sim_evf_get: the port file of domain domid: ours, or a cached one.
 * Files of destroyed domains are dropped from the cache on a miss.
 * Returns NULL with errno if the domain has no port file.
 */
static struct hv_sim_evf *
hv_sim_evf_get(struct hv_sim *hs, uint32_t domid)
{
	struct hv_sim_evf *ev;
	unsigned int i;
	void *arr;

	if (domid == hs->hs_domid)
		return (hs->hs_ev);
	for (i = 0; i < hs->hs_nevs; i++) {
		ev = hs->hs_evs[i];
		if (ev->ef_domid == domid && !hv_sim_evf_dead(ev))
			return (ev);
	}
	hv_sim_prune(hs);
	if ((arr = hv_sim_grow(hs->hs_evs, &hs->hs_evcap,
	    sizeof(*hs->hs_evs), hs->hs_nevs + 1)) == NULL)
		return (NULL);
	hs->hs_evs = arr;
	if (hv_sim_evf_open(hs->hs_dir, domid, 0, &ev) == -1)
		return (NULL);
	hs->hs_evs[hs->hs_nevs++] = ev;
	return (ev);
}

/*
 * hv_sim_port_read: a consistent snapshot of a port's link fields
 * (seqlock reader: retry while a writer is inside).  A writer killed
 * inside leaves the count odd: after about a second of retries the
 * values are taken as they are.
 */
static void
hv_sim_port_read(struct simrun_port *po, struct hs_snap *sn)
{
	static const struct timespec pause = { 0, 100000 };
	uint64_t owner[SIMRUN_OWNER_LEN / 8];
	uint32_t s1, s2;
	unsigned int tries;
	size_t i;

	for (tries = 0; tries < 11000; tries++) {
		if (tries >= 1000)
			(void)nanosleep(&pause, NULL);
		s1 = __atomic_load_n(&po->po_seq, __ATOMIC_ACQUIRE);
		sn->sn_state = __atomic_load_n(&po->po_state,
		    __ATOMIC_RELAXED);
		sn->sn_rdomid = __atomic_load_n(&po->po_rdomid,
		    __ATOMIC_RELAXED);
		sn->sn_rport = __atomic_load_n(&po->po_rport,
		    __ATOMIC_RELAXED);
		for (i = 0; i < SIMRUN_OWNER_LEN / 8; i++)
			owner[i] = __atomic_load_n(&po->po_owner[i],
			    __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&po->po_seq, __ATOMIC_RELAXED);
		if (s1 == s2 && (s1 & 1) == 0)
			break;
	}
	memcpy(sn->sn_owner, owner, sizeof(sn->sn_owner));
	sn->sn_owner[sizeof(sn->sn_owner) - 1] = '\0';
}

/*
 * hv_sim_port_write: change a port's link fields (seqlock writer; the
 * caller holds the file's lock).  owner NULL keeps the owner.
 */
static void
hv_sim_port_write(struct simrun_port *po, uint32_t state, uint32_t rdomid,
    uint32_t rport, const char *owner)
{
	uint64_t words[SIMRUN_OWNER_LEN / 8];
	uint32_t seq = __atomic_load_n(&po->po_seq, __ATOMIC_RELAXED);
	size_t i;

	seq += seq & 1;		/* odd: the last writer died inside */
	__atomic_store_n(&po->po_seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&po->po_state, state, __ATOMIC_RELAXED);
	__atomic_store_n(&po->po_rdomid, rdomid, __ATOMIC_RELAXED);
	__atomic_store_n(&po->po_rport, rport, __ATOMIC_RELAXED);
	if (owner != NULL) {
		memset(words, 0, sizeof(words));
		memcpy(words, owner, strnlen(owner, sizeof(words) - 1));
		for (i = 0; i < SIMRUN_OWNER_LEN / 8; i++)
			__atomic_store_n(&po->po_owner[i], words[i],
			    __ATOMIC_RELAXED);
	}
	__atomic_store_n(&po->po_seq, seq + 2, __ATOMIC_RELEASE);
}

/*
 * hv_sim_port_alloc: the lowest free port of a locked port file, as
 * Xen's get_free_port; its pending flag is cleared.  Returns the port or
 * -1 with ENOSPC.
 */
static int
hv_sim_port_alloc(struct hv_sim_evf *ev)
{
	uint32_t p;

	for (p = 1; p < SIMRUN_NR_PORTS; p++)
		if (__atomic_load_n(&ev->ef_port[p].po_state,
		    __ATOMIC_RELAXED) == SIMRUN_PORT_FREE) {
			__atomic_store_n(&ev->ef_port[p].po_pending, 0,
			    __ATOMIC_RELAXED);
			return ((int)p);
		}
	errno = ENOSPC;
	return (-1);
}

/*
 * hv_sim_port_close: EVTCHNOP_close of port of ev's domain: the port
 * becomes free and an interdomain peer becomes unbound, reserved for us
 * again.  The peer's file is opened and both locked; if the link changed
 * before the lock was taken, start over.  Returns 0 or -1 with errno.
 */
static int
hv_sim_port_close(const char *dir, struct hv_sim_evf *ev, uint32_t port)
{
	struct simrun_port *po = &ev->ef_port[port];
	struct hv_sim_evf *peer;
	struct hs_snap sn, now;

	for (;;) {
		hv_sim_port_read(po, &sn);
		peer = NULL;
		if (sn.sn_state == SIMRUN_PORT_INTERDOMAIN) {
			if (sn.sn_rdomid == ev->ef_domid)
				peer = ev;
			else if (hv_sim_evf_open(dir, sn.sn_rdomid, 0,
			    &peer) == -1)
				peer = NULL;	/* gone: nothing to unlink */
		}
		hv_sim_evf_lock(ev, peer);
		hv_sim_port_read(po, &now);
		if (now.sn_state == sn.sn_state &&
		    now.sn_rdomid == sn.sn_rdomid &&
		    now.sn_rport == sn.sn_rport)
			break;
		hv_sim_evf_unlock(ev, peer);
		if (peer != ev)
			hv_sim_evf_close(peer);
	}
	if (peer != NULL && sn.sn_rport < SIMRUN_NR_PORTS) {
		hv_sim_port_read(&peer->ef_port[sn.sn_rport], &now);
		if (now.sn_state == SIMRUN_PORT_INTERDOMAIN &&
		    now.sn_rdomid == ev->ef_domid && now.sn_rport == port)
			hv_sim_port_write(&peer->ef_port[sn.sn_rport],
			    SIMRUN_PORT_UNBOUND, ev->ef_domid, 0, NULL);
	}
	hv_sim_port_write(po, SIMRUN_PORT_FREE, 0, 0, "");
	__atomic_store_n(&po->po_pending, 0, __ATOMIC_RELAXED);
	hv_sim_evf_unlock(ev, peer);
	if (peer != ev)
		hv_sim_evf_close(peer);
	return (0);
}

/*
 * hv_sim_reap: clean up after dead processes, as the kernel does when a
 * process exits: close the ports of our domain they owned, release
 * their grant mappings and remove their sockets.
 */
static void
hv_sim_reap(struct hv_sim *hs)
{
	char path[PATH_MAX], last[SIMRUN_OWNER_LEN] = "";
	struct hs_snap sn;
	struct dirent *de;
	uint32_t p;
	int dead = 0;
	DIR *d;

	for (p = 1; p < SIMRUN_NR_PORTS; p++) {
		hv_sim_port_read(&hs->hs_ev->ef_port[p], &sn);
		if (sn.sn_state == SIMRUN_PORT_FREE)
			continue;
		/* Ports of one owner are usually together: ask once. */
		if (strcmp(sn.sn_owner, last) != 0) {
			memcpy(last, sn.sn_owner, sizeof(last));
			dead = hv_sim_dead_owner(hs->hs_dir, last);
		}
		if (dead)
			(void)hv_sim_port_close(hs->hs_dir, hs->hs_ev, p);
	}
	(void)hv_sim_reap_maps(hs->hs_dir);
	if (simrun_path(path, sizeof(path), hs->hs_dir, "evtchn") == -1 ||
	    (d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (hv_sim_dead_owner(hs->hs_dir, de->d_name) &&
		    simrun_path(path, sizeof(path), hs->hs_dir, "evtchn/%s",
		    de->d_name) == 0)
			(void)unlink(path);
	closedir(d);
}

/*
 * hv_sim_evtchn_destroy: what Xen does to the event channels of a dying
 * domain: mark its port file dead, close every port (peers become
 * unbound) and remove the file.  Returns 0 (also if the domain had no
 * port file) or -1 with errno.
 */
int
hv_sim_evtchn_destroy(const char *dir, uint32_t domid)
{
	char path[PATH_MAX];
	struct hv_sim_evf *ev;
	uint32_t p;

	if (simrun_path(path, sizeof(path), dir, "evtchn/d%u", domid) == -1)
		return (-1);
	if (hv_sim_evf_open(dir, domid, 0, &ev) == -1) {
		if (errno == ENOENT || errno == ESRCH)
			return (0);
		if (errno == EINVAL)	/* damaged: just remove it */
			(void)unlink(path);
		return (errno == EINVAL ? 0 : -1);
	}
	hv_sim_evf_lock(ev, NULL);
	__atomic_store_n(&ev->ef_hdr->eh_dead, 1, __ATOMIC_SEQ_CST);
	hv_sim_evf_unlock(ev, NULL);
	for (p = 1; p < SIMRUN_NR_PORTS; p++)
		if (__atomic_load_n(&ev->ef_port[p].po_state,
		    __ATOMIC_RELAXED) != SIMRUN_PORT_FREE)
			(void)hv_sim_port_close(dir, ev, p);
	(void)unlink(path);
	hv_sim_evf_close(ev);
	return (0);
}

/*
 * hv_sim_doorbell: wake the handle whose socket is named owner.  A full
 * queue means it is awake already; a missing socket means it is gone.
 * Neither is an error.
 */
static void
hv_sim_doorbell(struct hv_sim *hs, const char *owner, uint32_t port)
{
	struct sockaddr_un sun;

	if (owner[0] == '\0')
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (simrun_path(sun.sun_path, sizeof(sun.sun_path), hs->hs_dir,
	    "evtchn/%s", owner) == -1)
		return;
	(void)sendto(hs->hs_sock, &port, sizeof(port), MSG_DONTWAIT,
	    (struct sockaddr *)&sun, sizeof(sun));
}

static void
hv_sim_own_add(struct hv_sim *hs, uint32_t port)
{

	hs->hs_pflags[port] = HS_OWNED;
	hs->hs_owned[hs->hs_nowned++] = (uint16_t)port;
}

static void
hv_sim_own_del(struct hv_sim *hs, uint32_t port)
{
	unsigned int i;

	hs->hs_pflags[port] = 0;
	for (i = 0; i < hs->hs_nowned; i++)
		if (hs->hs_owned[i] == port) {
			hs->hs_owned[i] = hs->hs_owned[--hs->hs_nowned];
			break;
		}
}

/*
 * hv_sim_own_check: the check the Linux evtchn driver makes of a port
 * passed to unbind, notify or unmask.  Returns 0 if the port was bound
 * through this handle, else -1 with EINVAL (out of range) or ENOTCONN
 * (not ours).
 */
static int
hv_sim_own_check(const struct hv_sim *hs, uint32_t port)
{

	if (port >= SIMRUN_NR_PORTS) {
		errno = EINVAL;
		return (-1);
	}
	if (!(hs->hs_pflags[port] & HS_OWNED)) {
		errno = ENOTCONN;
		return (-1);
	}
	return (0);
}

static int
hv_sim_evtchn_fd(void *p)
{
	struct hv_sim *hs = p;

	return (hs->hs_sock);
}

/*
 * hv_sim_evtchn_alloc_unbound: EVTCHNOP_alloc_unbound: a free port of our
 * domain, reserved for remote (DOMID_SELF: ourselves), owned by this
 * handle.  Returns the port, or -1 with ENOSPC, or ESRCH if our domain
 * was destroyed.
 */
static int
hv_sim_evtchn_alloc_unbound(void *p, uint32_t remote)
{
	struct hv_sim *hs = p;
	struct hv_sim_evf *ev = hs->hs_ev;
	int port;

	if (remote == DOMID_SELF)
		remote = hs->hs_domid;
	hv_sim_evf_lock(ev, NULL);
	if (hv_sim_evf_dead(ev)) {
		hv_sim_evf_unlock(ev, NULL);
		errno = ESRCH;
		return (-1);
	}
	if ((port = hv_sim_port_alloc(ev)) != -1)
		hv_sim_port_write(&ev->ef_port[port], SIMRUN_PORT_UNBOUND,
		    remote, 0, hs->hs_name);
	hv_sim_evf_unlock(ev, NULL);
	if (port != -1)
		hv_sim_own_add(hs, (uint32_t)port);
	return (port);
}

/*
 * hv_sim_evtchn_bind: EVTCHNOP_bind_interdomain.  Returns the new local
 * port, linked both ways and with an event pending, or -1 with errno:
 * ESRCH if domid does not exist (or we were destroyed), EINVAL if rport
 * is not a port of domid that is unbound and reserved for us, ENOSPC.
 */
static int
hv_sim_evtchn_bind(void *p, uint32_t domid, uint32_t rport)
{
	struct hv_sim *hs = p;
	struct hv_sim_evf *peer;
	struct hv_dominfo di;
	struct hs_snap sn;
	int lport = -1;

	if (domid == DOMID_SELF)
		domid = hs->hs_domid;
	if (simrun_dom_info(hs->hs_dir, domid, &di) == -1)
		return (-1);
	if (!di.hd_exists || di.hd_dying) {
		errno = ESRCH;
		return (-1);
	}
	if (rport == 0 || rport >= SIMRUN_NR_PORTS) {
		errno = EINVAL;
		return (-1);
	}
	if ((peer = hv_sim_evf_get(hs, domid)) == NULL) {
		if (errno == ENOENT)
			errno = EINVAL;	/* no port of domid exists */
		return (-1);
	}
	hv_sim_evf_lock(hs->hs_ev, peer);
	hv_sim_port_read(&peer->ef_port[rport], &sn);
	if (hv_sim_evf_dead(hs->hs_ev) || hv_sim_evf_dead(peer))
		errno = ESRCH;
	else if (sn.sn_state != SIMRUN_PORT_UNBOUND ||
	    sn.sn_rdomid != hs->hs_domid)
		errno = EINVAL;
	else if ((lport = hv_sim_port_alloc(hs->hs_ev)) != -1) {
		hv_sim_port_write(&hs->hs_ev->ef_port[lport],
		    SIMRUN_PORT_INTERDOMAIN, domid, rport, hs->hs_name);
		hv_sim_port_write(&peer->ef_port[rport],
		    SIMRUN_PORT_INTERDOMAIN, hs->hs_domid, (uint32_t)lport,
		    NULL);
		__atomic_store_n(&hs->hs_ev->ef_port[lport].po_pending, 1,
		    __ATOMIC_RELEASE);
	}
	hv_sim_evf_unlock(hs->hs_ev, peer);
	if (lport == -1)
		return (-1);
	hv_sim_own_add(hs, (uint32_t)lport);
	hv_sim_doorbell(hs, hs->hs_name, (uint32_t)lport);
	return (lport);
}

/*
 * hv_sim_evtchn_unbind: close a port bound through this handle.  Returns
 * 0, or -1 with EINVAL (out of range) or ENOTCONN (not ours), as the
 * Linux evtchn driver.
 */
static int
hv_sim_evtchn_unbind(void *p, uint32_t port)
{
	struct hv_sim *hs = p;

	if (hv_sim_own_check(hs, port) == -1)
		return (-1);
	hv_sim_own_del(hs, port);
	if (hv_sim_evf_dead(hs->hs_ev))
		return (0);	/* closed when the domain died */
	return (hv_sim_port_close(hs->hs_dir, hs->hs_ev, port));
}

/*
 * hv_sim_evtchn_notify: EVTCHNOP_send on a port bound through this
 * handle.  An unbound port, or one whose peer went away, swallows the
 * event silently, as in Xen.  The peer's pending flag is set; only if it
 * was clear is the peer's handle woken, so notifications merge.  Returns
 * 0, or -1 with EINVAL (out of range) or ENOTCONN (not ours, or closed
 * under us by the destruction of our domain).
 */
static int
hv_sim_evtchn_notify(void *p, uint32_t port)
{
	struct hv_sim *hs = p;
	struct hv_sim_evf *peer;
	struct simrun_port *rpo;
	struct hs_snap sn;

	if (hv_sim_own_check(hs, port) == -1)
		return (-1);
	hv_sim_port_read(&hs->hs_ev->ef_port[port], &sn);
	if (sn.sn_state == SIMRUN_PORT_UNBOUND)
		return (0);
	if (sn.sn_state != SIMRUN_PORT_INTERDOMAIN) {
		errno = ENOTCONN;
		return (-1);
	}
	if (sn.sn_rport >= SIMRUN_NR_PORTS ||
	    (peer = hv_sim_evf_get(hs, sn.sn_rdomid)) == NULL)
		return (0);
	rpo = &peer->ef_port[sn.sn_rport];
	hv_sim_port_read(rpo, &sn);
	if (sn.sn_state != SIMRUN_PORT_INTERDOMAIN ||
	    sn.sn_rdomid != hs->hs_domid || sn.sn_rport != port)
		return (0);
	if (__atomic_exchange_n(&rpo->po_pending, 1, __ATOMIC_ACQ_REL) == 0)
		hv_sim_doorbell(hs, sn.sn_owner, port);
	return (0);
}

/*
 * hv_sim_deliverable: 1 if our port has an event and is not masked.
 */
static int
hv_sim_deliverable(struct hv_sim *hs, uint32_t port)
{

	return (!(hs->hs_pflags[port] & HS_MASKED) &&
	    __atomic_load_n(&hs->hs_ev->ef_port[port].po_pending,
	    __ATOMIC_ACQUIRE) != 0);
}

/*
 * hv_sim_evtchn_pending: drain the doorbells, then deliver up to max
 * unmasked ports with an event (round robin over our ports): clear each
 * one's pending flag and mask it.  If more remain, ring our own doorbell
 * so the fd stays readable.  Returns how many, or -1 with EAGAIN.
 */
static int
hv_sim_evtchn_pending(void *p, int *ports, unsigned int max)
{
	struct hv_sim *hs = p;
	uint32_t buf[16], port;
	unsigned int i, k, n = hs->hs_nowned, got = 0, start = hs->hs_rr;

	while (recv(hs->hs_sock, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	if (hs->hs_overflowed)
		goto overflow;
	for (k = 0; k < n && got < max; k++) {
		i = (start + k) % n;
		port = hs->hs_owned[i];
		if (!hv_sim_deliverable(hs, port) ||
		    __atomic_exchange_n(&hs->hs_ev->ef_port[port].po_pending,
		    0, __ATOMIC_ACQ_REL) == 0)
			continue;
		hs->hs_pflags[port] |= HS_MASKED;
		hs->hs_rr = i + 1;
		ports[got++] = (int)port;
	}
	if (got == 0) {
		errno = EAGAIN;
		return (-1);
	}
	if (hs->hs_ovf_every > 0 &&
	    ++hs->hs_ovf_count % hs->hs_ovf_every == 0) {
		/* the ports taken stay masked, their events lost */
		hs->hs_overflowed = 1;
		goto overflow;
	}
	for (k = 0; k < n; k++)
		if (hv_sim_deliverable(hs, hs->hs_owned[k])) {
			hv_sim_doorbell(hs, hs->hs_name, hs->hs_owned[k]);
			break;
		}
	return ((int)got);
overflow:
	/* like the driver's POLLERR: readable until reset */
	hv_sim_doorbell(hs, hs->hs_name, 0);
	errno = EFBIG;
	return (-1);
}

/* hv_sim_evtchn_reset: leave the overflowed state.  Returns 0. */
static int
hv_sim_evtchn_reset(void *p)
{
	struct hv_sim *hs = p;

	hs->hs_overflowed = 0;
	return (0);
}

/*
 * hv_sim_evtchn_unmask: unmask n ports of this handle; an event that came
 * while one was masked is raised again.  Like the Linux driver, a port
 * that is not ours is ignored.  Returns 0, or -1 with EINVAL (out of
 * range).
 */
static int
hv_sim_evtchn_unmask(void *p, const int *ports, unsigned int n)
{
	struct hv_sim *hs = p;
	uint32_t port;
	unsigned int i;

	for (i = 0; i < n; i++) {
		port = (uint32_t)ports[i];
		if (hv_sim_own_check(hs, port) == -1) {
			if (errno == ENOTCONN)
				continue;
			return (-1);
		}
		hs->hs_pflags[port] &= ~HS_MASKED;
		if (hv_sim_deliverable(hs, port))
			hv_sim_doorbell(hs, hs->hs_name, port);
	}
	return (0);
}
