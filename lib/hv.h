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
 * The hypervisor access interface.  Every grant, event-channel and domain
 * operation of xennetd goes through these functions; nothing else in the
 * tree includes xengnttab.h's functions or xenevtchn.h directly.  Two
 * providers implement it, chosen at run time by hv_open():
 *
 *   "xen"  libxengnttab, libxenevtchn and libxenctrl (hv-xen.c);
 *   "sim"  simulated domains whose memory and grant tables are files in
 *          a run directory (simrun.h) and whose event channels are unix
 *          datagram sockets (hv-sim.c), with Xen's checks and GNTST_*
 *          codes.  The guests and toolstack that make and use those
 *          domains are not here but in tests/sim (simdom.h).
 *
 * Every call that stands for a hypercall is counted in the handle
 * (struct hv_counts) and the sim provider can burn a synthetic cost per
 * hypercall, so benchmarks can show what batching saves.
 *
 * Handles are not shared between threads: each worker opens its own.
 */

#ifndef XENNET_HV_H
#define XENNET_HV_H

#include <stddef.h>
#include <stdint.h>

#include <xengnttab.h>		/* xengnttab_grant_copy_segment_t only */
#include <xen/grant_table.h>	/* GNTST_*, GNTCOPY_*, GTF_*, grant_entry_v1 */

#define HV_PAGE_SIZE		4096
#define HV_DOMID_SELF		0x7FF0U	/* DOMID_SELF */

/* One grant-copy segment: exactly libxengnttab's layout. */
typedef xengnttab_grant_copy_segment_t hv_copy_seg;

/* Counted hypercalls, by kind. */
enum hv_call {
	HV_CALL_COPY,		/* one GNTTABOP_copy batch (COPY..UNMAP: */
				/* adjacent, ring_copy_flush counts them) */
	HV_CALL_MAP,		/* one map batch */
	HV_CALL_UNMAP,		/* one unmap batch */
	HV_CALL_NOTIFY,		/* EVTCHNOP_send */
	HV_CALL_UNMASK,		/* EVTCHNOP_unmask */
	HV_CALL_BIND,		/* bind interdomain / alloc unbound */
	HV_CALL_UNBIND,		/* EVTCHNOP_close */
	HV_CALL_DOMINFO,	/* domctl getdomaininfo */
	HV_CALL_MAX
};

struct hv_counts {
	uint64_t	hc_calls[HV_CALL_MAX];
	uint64_t	hc_copy_segs;	/* segments passed to HV_CALL_COPY */
	uint64_t	hc_map_pages;	/* pages passed to HV_CALL_MAP */
};

struct hv_dominfo {
	uint32_t	hd_domid;
	int		hd_exists;	/* 0: no such domain (destroyed) */
	int		hd_dying;	/* being destroyed */
	int		hd_shutdown;	/* shut down (poweroff/crash/...) */
};

struct hv;

/*
 * hv_open: provider is "xen" or "sim".  For "sim", simdir is the run
 * directory (NULL: $XENNET_SIM_DIR, else /run/xennetd-sim) and domid the
 * domain this handle acts as (0 for the backend, the guest's id for a
 * simulated frontend); both are ignored by "xen".  The synthetic cost per
 * hypercall (sim only) is read from $XENNET_SIM_HCALL_NS if set.
 * Returns NULL with errno set on failure.
 */
struct hv	*hv_open(const char *provider, const char *simdir,
		    uint32_t domid);
void		 hv_close(struct hv *);
const char	*hv_provider(struct hv *);
int		 hv_own_domid(struct hv *, uint32_t *);
int		 hv_dominfo(struct hv *, uint32_t, struct hv_dominfo *);
void		 hv_set_cost(struct hv *, unsigned long ns);	/* sim only */
const struct hv_counts *hv_counts(struct hv *);
void		 hv_counts_reset(struct hv *);
const char	*hv_call_name(enum hv_call);

/*
 * Grants.  hv_map maps count grant refs of domain domid into one
 * contiguous range (writable if rw), NULL with errno on failure;
 * hv_unmap undoes it.  hv_copy issues count segments as ONE hypercall
 * and returns 0 if the hypercall itself was made (per-segment results in
 * seg[i].status, GNTST_*), -1 with errno otherwise.
 */
void		*hv_map(struct hv *, uint32_t domid, const uint32_t *refs,
		    unsigned int count, int rw);
int		 hv_unmap(struct hv *, void *, unsigned int count);
int		 hv_copy(struct hv *, hv_copy_seg *, unsigned int count);
/*
 * How hv_copy copies: the grant-copy hypercall (the default), or map +
 * memcpy + unmap of the batch's grants (dom0 kernels without grant copy
 * in gntdev; selectable anywhere).  hv_copy switches to HV_ENGINE_MAP
 * by itself if the copy call does not exist (hv_engine tells).
 */
enum hv_engine {
	HV_ENGINE_COPY,
	HV_ENGINE_MAP
};
int		 hv_set_engine(struct hv *, enum hv_engine);
enum hv_engine	 hv_engine(struct hv *, int *fellback);
const char	*hv_engine_name(enum hv_engine);

/*
 * Event channels (libxenevtchn semantics).  hv_evtchn_fd is readable
 * when hv_evtchn_pending has something to return.  A port delivered by
 * pending stays masked until hv_evtchn_unmask; notifications arriving
 * meanwhile are merged into one.  Ports are returned as int, -1 on error.
 */
int		 hv_evtchn_fd(struct hv *);
int		 hv_evtchn_bind(struct hv *, uint32_t domid, uint32_t rport);
int		 hv_evtchn_alloc_unbound(struct hv *, uint32_t remote_domid);
int		 hv_evtchn_unbind(struct hv *, int port);
int		 hv_evtchn_notify(struct hv *, int port);
int		 hv_evtchn_pending(struct hv *);
int		 hv_evtchn_unmask(struct hv *, int port);
/*
 * The same for many ports in one system call: hv_evtchn_pending_n
 * stores up to n pending ports (all now masked) and returns how many,
 * -1 with EAGAIN if none; hv_evtchn_unmask_n unmasks n ports.
 */
#define HV_EVTCHN_BATCH		64
int		 hv_evtchn_pending_n(struct hv *, int *ports, unsigned int n);
int		 hv_evtchn_unmask_n(struct hv *, const int *ports,
		    unsigned int n);

#endif /* XENNET_HV_H */
