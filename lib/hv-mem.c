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

/* hv-mem: the in-memory provider (hv-mem.h). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv-priv.h"
#include "hv-mem.h"

#define HV_MEM_NMAP	16	/* mappings of a handle: the engine has 2 */

struct hv_memdom {
	uint32_t		 md_domid;
	uint32_t		 md_npages;
	uint8_t			*md_mem;
	grant_entry_v1_t	 md_gnt[HV_MEM_NGRANTS];
	unsigned int		 md_pins[HV_MEM_NGRANTS];	/* mappings */
};

/* A domain 0 handle: its mappings and bound ports. */
struct hv_mem {
	struct hv_memdom	*hm_dom;
	uint8_t			 hm_port[HV_MEM_NPORTS];	/* 1: in use */
	struct {
		void		*mm_addr;
		uint32_t	 mm_ref;
	}			 hm_map[HV_MEM_NMAP];
	unsigned int		 hm_nmap;
};

static void	 hv_mem_close(void *);
static int	 hv_mem_own_domid(void *, uint32_t *);
static int	 hv_mem_dominfo(void *, uint32_t, struct hv_dominfo *);
static void	*hv_mem_map(void *, uint32_t, const uint32_t *, unsigned int,
		    int);
static int	 hv_mem_unmap(void *, void *, unsigned int);
static int	 hv_mem_copy(void *, hv_copy_seg *, unsigned int);
static int16_t	 hv_mem_side(void *, uint16_t, uint32_t, int, uint8_t **);
static int	 hv_mem_evtchn_fd(void *);
static int	 hv_mem_evtchn_bind(void *, uint32_t, uint32_t);
static int	 hv_mem_evtchn_alloc_unbound(void *, uint32_t);
static int	 hv_mem_evtchn_unbind(void *, uint32_t);
static int	 hv_mem_evtchn_notify(void *, uint32_t);
static int	 hv_mem_evtchn_pending(void *, int *, unsigned int);
static int	 hv_mem_evtchn_unmask(void *, const int *, unsigned int);
static int	 hv_mem_evtchn_reset(void *);
static int	 hv_mem_port_new(struct hv_mem *, uint32_t);
static int	 hv_mem_bound(const struct hv_mem *, uint32_t);

/* not in hv.c's table: hv_mem_open opens it, hv_open cannot */
static const struct hv_ops hv_mem_ops = {
	.ho_name = "mem",
	.ho_synthetic = 0,
	.ho_open = NULL,
	.ho_close = hv_mem_close,
	.ho_own_domid = hv_mem_own_domid,
	.ho_dominfo = hv_mem_dominfo,
	.ho_map = hv_mem_map,
	.ho_unmap = hv_mem_unmap,
	.ho_copy = hv_mem_copy,
	.ho_evtchn_fd = hv_mem_evtchn_fd,
	.ho_evtchn_bind = hv_mem_evtchn_bind,
	.ho_evtchn_alloc_unbound = hv_mem_evtchn_alloc_unbound,
	.ho_evtchn_unbind = hv_mem_evtchn_unbind,
	.ho_evtchn_notify = hv_mem_evtchn_notify,
	.ho_evtchn_pending = hv_mem_evtchn_pending,
	.ho_evtchn_unmask = hv_mem_evtchn_unmask,
	.ho_evtchn_reset = hv_mem_evtchn_reset,
};

struct hv_memdom *
hv_memdom_new(uint32_t domid, uint32_t npages)
{
	struct hv_memdom *md;

	if (domid == 0 || domid >= HV_DOMID_SELF || npages == 0) {
		errno = EINVAL;
		return (NULL);
	}
	if ((md = calloc(1, sizeof(*md))) == NULL)
		return (NULL);
	if ((md->md_mem = calloc(npages, HV_PAGE_SIZE)) == NULL) {
		free(md);
		return (NULL);
	}
	md->md_domid = domid;
	md->md_npages = npages;
	return (md);
}

void
hv_memdom_free(struct hv_memdom *md)
{

	if (md == NULL)
		return;
	free(md->md_mem);
	free(md);
}

uint8_t *
hv_memdom_page(struct hv_memdom *md, uint32_t frame)
{

	if (frame >= md->md_npages)
		return (NULL);
	return (md->md_mem + (size_t)frame * HV_PAGE_SIZE);
}

int
hv_memdom_grant(struct hv_memdom *md, uint32_t frame, int ro)
{
	uint32_t ref;

	if (frame >= md->md_npages) {
		errno = EINVAL;
		return (-1);
	}
	/* entries 0-7 are the toolstack's (GNTTAB_NR_RESERVED_ENTRIES) */
	for (ref = 8; ref < HV_MEM_NGRANTS; ref++)
		if (md->md_gnt[ref].flags == 0)
			break;
	if (ref == HV_MEM_NGRANTS) {
		errno = ENOSPC;
		return (-1);
	}
	md->md_gnt[ref].domid = 0;
	md->md_gnt[ref].frame = frame;
	md->md_gnt[ref].flags = GTF_permit_access | (ro ? GTF_readonly : 0);
	return ((int)ref);
}

int
hv_memdom_ungrant(struct hv_memdom *md, uint32_t ref)
{

	if (ref >= HV_MEM_NGRANTS || md->md_gnt[ref].flags == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (md->md_pins[ref] > 0) {
		errno = EBUSY;
		return (-1);
	}
	memset(&md->md_gnt[ref], 0, sizeof(md->md_gnt[ref]));
	return (0);
}

struct hv *
hv_mem_open(struct hv_memdom *md)
{
	struct hv_mem *hm;
	struct hv *hv;

	if (md == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	if ((hm = calloc(1, sizeof(*hm))) == NULL)
		return (NULL);
	hm->hm_dom = md;
	if ((hv = hv_open_priv(&hv_mem_ops, hm)) == NULL)
		free(hm);
	return (hv);
}

/* hv_mem_close: the handle's mappings and ports go with it. */
static void
hv_mem_close(void *p)
{
	struct hv_mem *hm = p;

	while (hm->hm_nmap > 0)
		hm->hm_dom->md_pins[hm->hm_map[--hm->hm_nmap].mm_ref]--;
	free(hm);
}

static int
hv_mem_own_domid(void *p, uint32_t *domid)
{

	(void)p;
	*domid = 0;
	return (0);
}

/* hv_mem_dominfo: domain 0 and the guest exist, nothing else does. */
static int
hv_mem_dominfo(void *p, uint32_t domid, struct hv_dominfo *info)
{
	struct hv_mem *hm = p;

	memset(info, 0, sizeof(*info));
	info->hd_domid = domid;
	info->hd_exists = domid == 0 || domid == hm->hm_dom->md_domid;
	return (0);
}

/*
 * hv_mem_side: the grant side of a copy, or of a map: the guest's
 * entry ref, checked as Xen does.  Returns a GNTST_* code.
 */
static int16_t
hv_mem_side(void *p, uint16_t domid, uint32_t ref, int write,
    uint8_t **page)
{
	struct hv_mem *hm = p;
	struct hv_memdom *md = hm->hm_dom;
	int16_t st;

	if (domid != md->md_domid)
		return (GNTST_bad_domain);
	if (ref >= HV_MEM_NGRANTS)
		return (GNTST_bad_gntref);
	if ((st = hv_gnt_check(&md->md_gnt[ref], 0, write, md->md_npages)) !=
	    GNTST_okay)
		return (st);
	*page = hv_memdom_page(md, md->md_gnt[ref].frame);
	return (GNTST_okay);
}

static int
hv_mem_copy(void *p, hv_copy_seg *seg, unsigned int count)
{

	return (hv_copy_emulate(seg, count, hv_mem_side, p));
}

/*
 * hv_mem_map: the page itself (the guest's memory is ours).  One page a
 * call: the ring engine maps its two ring pages so; a batch
 * (HV_ENGINE_MAP) would need contiguous copies, which this provider does
 * not make: ENOTSUP.  ESRCH, EINVAL or EPERM as the sim provider.
 */
static void *
hv_mem_map(void *p, uint32_t domid, const uint32_t *refs, unsigned int count,
    int rw)
{
	struct hv_mem *hm = p;
	uint8_t *page;
	int16_t st;

	if (count != 1) {
		errno = ENOTSUP;
		return (NULL);
	}
	if (hm->hm_nmap == HV_MEM_NMAP) {
		errno = ENOMEM;
		return (NULL);
	}
	if (domid > UINT16_MAX) {
		errno = ESRCH;
		return (NULL);
	}
	if ((st = hv_mem_side(hm, (uint16_t)domid, refs[0], rw, &page)) !=
	    GNTST_okay) {
		errno = st == GNTST_bad_domain ? ESRCH :
		    st == GNTST_permission_denied ? EPERM : EINVAL;
		return (NULL);
	}
	hm->hm_map[hm->hm_nmap].mm_addr = page;
	hm->hm_map[hm->hm_nmap].mm_ref = refs[0];
	hm->hm_nmap++;
	hm->hm_dom->md_pins[refs[0]]++;
	return (page);
}

static int
hv_mem_unmap(void *p, void *addr, unsigned int count)
{
	struct hv_mem *hm = p;
	unsigned int i;

	for (i = 0; i < hm->hm_nmap; i++)
		if (hm->hm_map[i].mm_addr == addr)
			break;
	if (i == hm->hm_nmap || count != 1) {
		errno = EINVAL;
		return (-1);
	}
	hm->hm_dom->md_pins[hm->hm_map[i].mm_ref]--;
	hm->hm_map[i] = hm->hm_map[--hm->hm_nmap];
	return (0);
}

/* hv_mem_evtchn_fd: there is none: nothing ever pends. */
static int
hv_mem_evtchn_fd(void *p)
{

	(void)p;
	errno = ENOTSUP;
	return (-1);
}

/* hv_mem_port_new: a free local port for remote domain domid. */
static int
hv_mem_port_new(struct hv_mem *hm, uint32_t domid)
{
	int port;

	if (domid != hm->hm_dom->md_domid) {
		errno = ESRCH;
		return (-1);
	}
	/* port 0 is never valid (Xen's reserved port) */
	for (port = 1; port < HV_MEM_NPORTS; port++)
		if (!hm->hm_port[port]) {
			hm->hm_port[port] = 1;
			return (port);
		}
	errno = ENOSPC;
	return (-1);
}

/* hv_mem_evtchn_bind: any remote port Xen's 2-level ABI can name. */
static int
hv_mem_evtchn_bind(void *p, uint32_t domid, uint32_t rport)
{

	if (rport == 0 || rport >= 4096) {
		errno = EINVAL;
		return (-1);
	}
	return (hv_mem_port_new(p, domid));
}

static int
hv_mem_evtchn_alloc_unbound(void *p, uint32_t domid)
{

	return (hv_mem_port_new(p, domid));
}

/* hv_mem_bound: 1 if port is one of the handle's, else 0 and EINVAL. */
static int
hv_mem_bound(const struct hv_mem *hm, uint32_t port)
{

	if (port >= HV_MEM_NPORTS || !hm->hm_port[port]) {
		errno = EINVAL;
		return (0);
	}
	return (1);
}

static int
hv_mem_evtchn_unbind(void *p, uint32_t port)
{
	struct hv_mem *hm = p;

	if (!hv_mem_bound(hm, port))
		return (-1);
	hm->hm_port[port] = 0;
	return (0);
}

static int
hv_mem_evtchn_notify(void *p, uint32_t port)
{

	return (hv_mem_bound(p, port) ? 0 : -1);
}

static int
hv_mem_evtchn_pending(void *p, int *ports, unsigned int n)
{

	(void)p;
	(void)ports;
	(void)n;
	errno = EAGAIN;
	return (-1);
}

static int
hv_mem_evtchn_unmask(void *p, const int *ports, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ports[i] < 0 || !hv_mem_bound(p, (uint32_t)ports[i]))
			return (-1);
	return (0);
}

static int
hv_mem_evtchn_reset(void *p)
{

	(void)p;
	return (0);
}
