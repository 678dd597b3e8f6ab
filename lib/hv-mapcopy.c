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
 * hv-mapcopy: grant copy done as map + memcpy + unmap, for dom0 kernels
 * whose gntdev has no grant-copy ioctl (NetBSD's and FreeBSD's privcmd
 * and gntdev offer map only) and, selectable, on Linux too.  A batch of
 * segments becomes one map call per (domain, access) of the distinct
 * grant refs it names, the copies, and one unmap call per map: the same
 * batching as grant copy, counted as HV_CALL_MAP and HV_CALL_UNMAP.
 *
 * The per-segment results follow grant copy's where they can: a
 * segment beyond its page is GNTST_bad_copy_arg; a ref that cannot be
 * mapped (bad, foreign, revoked, read-only where written) fails only its
 * own segments, with the status the provider's errno tells
 * (GNTST_bad_domain, GNTST_permission_denied, else GNTST_general_error):
 * the finer codes of the copy hypercall are not known after a map.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv.h"
#include "hv-mapcopy.h"

/* One distinct grant a batch names, and where it got mapped. */
struct mc_ref {
	uint32_t	 mr_domid;
	uint32_t	 mr_ref;
	int		 mr_rw;
	int16_t		 mr_status;	/* GNTST_okay once mapped */
	uint8_t		*mr_page;
};

struct hv_mapcopy {
	struct mc_ref	*mc_refs;	/* 2 per segment at most */
	unsigned int	 mc_cap;	/* segments the arrays hold */
	uint32_t	*mc_grefs;	/* one map call's refs */
	unsigned int	*mc_segref;	/* per segment: source, dest index */
	void		**mc_maps;	/* what to unmap, and how many */
	unsigned int	*mc_mapn;
};

static int	mc_grow(struct hv_mapcopy *, unsigned int);
static int	mc_untried(const struct mc_ref *, const struct mc_ref *);
static unsigned int mc_ref_index(struct hv_mapcopy *, unsigned int *,
		    uint32_t, uint32_t, int);
static int16_t	mc_errno_status(int);
static unsigned int mc_map_all(struct hv *, struct hv_mapcopy *,
		    unsigned int);
static uint8_t	*mc_side(struct hv_mapcopy *, const hv_copy_seg *,
		    unsigned int, int, int16_t *);

struct hv_mapcopy *
hv_mapcopy_new(void)
{
	return (calloc(1, sizeof(struct hv_mapcopy)));
}

void
hv_mapcopy_free(struct hv_mapcopy *mc)
{
	if (mc == NULL)
		return;
	free(mc->mc_refs);
	free(mc->mc_grefs);
	free(mc->mc_segref);
	free(mc->mc_maps);
	free(mc->mc_mapn);
	free(mc);
}

/* mc_grow: room for n segments (kept for the next batch). */
static int
mc_grow(struct hv_mapcopy *mc, unsigned int n)
{
	struct mc_ref *r;
	uint32_t *g;
	unsigned int *s, *mn;
	void **m;

	if (n <= mc->mc_cap)
		return (0);
	if ((r = reallocarray(mc->mc_refs, 2 * n, sizeof(*r))) != NULL)
		mc->mc_refs = r;
	if ((g = reallocarray(mc->mc_grefs, 2 * n, sizeof(*g))) != NULL)
		mc->mc_grefs = g;
	if ((s = reallocarray(mc->mc_segref, 2 * n, sizeof(*s))) != NULL)
		mc->mc_segref = s;
	if ((m = reallocarray(mc->mc_maps, 2 * n, sizeof(*m))) != NULL)
		mc->mc_maps = m;
	if ((mn = reallocarray(mc->mc_mapn, 2 * n, sizeof(*mn))) != NULL)
		mc->mc_mapn = mn;
	if (r == NULL || g == NULL || s == NULL || m == NULL || mn == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	mc->mc_cap = n;
	return (0);
}

/*
 * mc_ref_index: the index of grant (domid, ref, rw) among the *nref
 * distinct ones so far, adding it if new.  Consecutive segments mostly
 * name the same page (a packet's slots, a frame's parts): the last one
 * is tried first.
 */
static unsigned int
mc_ref_index(struct hv_mapcopy *mc, unsigned int *nref, uint32_t domid,
    uint32_t ref, int rw)
{
	struct mc_ref *r;
	unsigned int i;

	for (i = *nref; i-- > 0; ) {
		r = &mc->mc_refs[i];
		if (r->mr_ref == ref && r->mr_domid == domid && r->mr_rw == rw)
			return (i);
	}
	r = &mc->mc_refs[*nref];
	r->mr_domid = domid;
	r->mr_ref = ref;
	r->mr_rw = rw;
	r->mr_status = GNTST_general_error;
	r->mr_page = NULL;
	return ((*nref)++);
}

/* mc_untried: q is of r's group (domain, access) and not tried yet. */
static int
mc_untried(const struct mc_ref *r, const struct mc_ref *q)
{
	return (q->mr_domid == r->mr_domid && q->mr_rw == r->mr_rw &&
	    q->mr_page == NULL && q->mr_status == GNTST_general_error);
}

static int16_t
mc_errno_status(int err)
{
	switch (err) {
	case ESRCH:
		return (GNTST_bad_domain);
	case EPERM:
	case EACCES:
		return (GNTST_permission_denied);
	default:
		return (GNTST_general_error);
	}
}

/*
 * mc_map_all: map the nref distinct grants: one call for all the grants
 * of one domain and access; if that call fails (a bad ref fails it
 * whole), each of them alone, so that only the bad ones fail.  Returns
 * how many mappings mc_maps now holds.
 */
static unsigned int
mc_map_all(struct hv *hv, struct hv_mapcopy *mc, unsigned int nref)
{
	struct mc_ref *r, *q;
	unsigned int i, j, n, nmaps = 0;
	uint8_t *p;

	for (i = 0; i < nref; i++) {
		r = &mc->mc_refs[i];
		if (!mc_untried(r, r))
			continue;	/* done with an earlier group */
		/* r's group: the untried grants of its domain and access */
		for (n = 0, j = i; j < nref; j++)
			if (mc_untried(r, &mc->mc_refs[j]))
				mc->mc_grefs[n++] = mc->mc_refs[j].mr_ref;
		p = hv_map(hv, r->mr_domid, mc->mc_grefs, n, r->mr_rw);
		if (p != NULL) {
			mc->mc_maps[nmaps] = p;
			mc->mc_mapn[nmaps++] = n;
			for (n = 0, j = i; j < nref; j++) {
				q = &mc->mc_refs[j];
				if (!mc_untried(r, q))
					continue;
				q->mr_page = p + (size_t)n++ * HV_PAGE_SIZE;
				q->mr_status = GNTST_okay;
			}
			continue;
		}
		/* one at a time: find the ones that fail */
		for (j = i; j < nref; j++) {
			q = &mc->mc_refs[j];
			if (!mc_untried(r, q))
				continue;
			if ((p = hv_map(hv, q->mr_domid, &q->mr_ref, 1,
			    q->mr_rw)) == NULL) {
				q->mr_status = mc_errno_status(errno);
				/* not general_error: never tried again */
				if (q->mr_status == GNTST_general_error)
					q->mr_status = GNTST_bad_gntref;
				continue;
			}
			q->mr_page = p;
			q->mr_status = GNTST_okay;
			mc->mc_maps[nmaps] = p;
			mc->mc_mapn[nmaps++] = 1;
		}
	}
	return (nmaps);
}

/*
 * mc_side: the address one side (dest if dst) of segment i copies at:
 * the local buffer, or the mapped grant page plus offset after a check
 * that the copy stays in the page (netif: a slot never crosses a page;
 * Xen refuses such a copy with GNTST_bad_copy_arg).  NULL with *st set
 * if it cannot.
 */
static uint8_t *
mc_side(struct hv_mapcopy *mc, const hv_copy_seg *s, unsigned int i,
    int dst, int16_t *st)
{
	const struct mc_ref *r;
	uint16_t off;

	if (!(s->flags & (dst ? GNTCOPY_dest_gref : GNTCOPY_source_gref)))
		return (dst ? s->dest.virt : s->source.virt);
	off = dst ? s->dest.foreign.offset : s->source.foreign.offset;
	if ((uint32_t)off + s->len > HV_PAGE_SIZE) {
		*st = GNTST_bad_copy_arg;
		return (NULL);
	}
	r = &mc->mc_refs[mc->mc_segref[2 * i + (dst ? 1 : 0)]];
	if (r->mr_status != GNTST_okay) {
		*st = r->mr_status;
		return (NULL);
	}
	return (r->mr_page + off);
}

int
hv_mapcopy(struct hv *hv, struct hv_mapcopy *mc, hv_copy_seg *seg,
    unsigned int count)
{
	hv_copy_seg *s;
	unsigned int i, nref = 0, nmaps;
	uint8_t *src, *dst;
	int16_t st;

	if (mc_grow(mc, count) == -1)
		return (-1);
	/* gntdev refuses a batch with a segment naming no grant at all */
	for (i = 0; i < count; i++)
		if (!(seg[i].flags & (GNTCOPY_source_gref |
		    GNTCOPY_dest_gref))) {
			errno = EINVAL;
			return (-1);
		}
	for (i = 0; i < count; i++) {
		s = &seg[i];
		if (s->flags & GNTCOPY_source_gref)
			mc->mc_segref[2 * i] = mc_ref_index(mc, &nref,
			    s->source.foreign.domid, s->source.foreign.ref, 0);
		if (s->flags & GNTCOPY_dest_gref)
			mc->mc_segref[2 * i + 1] = mc_ref_index(mc, &nref,
			    s->dest.foreign.domid, s->dest.foreign.ref, 1);
	}
	nmaps = mc_map_all(hv, mc, nref);
	for (i = 0; i < count; i++) {
		s = &seg[i];
		st = GNTST_okay;
		if ((src = mc_side(mc, s, i, 0, &st)) != NULL &&
		    (dst = mc_side(mc, s, i, 1, &st)) != NULL)
			memmove(dst, src, s->len);
		s->status = st;
	}
	for (i = 0; i < nmaps; i++)
		(void)hv_unmap(hv, mc->mc_maps[i], mc->mc_mapn[i]);
	return (0);
}
