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
 * The provider interface behind hv.h: private to hv.c, hv-xen.c and
 * hv-sim.c.  hv.c checks arguments, counts hypercalls and burns the
 * synthetic cost; a provider only does the work.  Every op gets the
 * provider's own state (the pointer ho_open returned) and follows the
 * contract of the hv_* function of the same name.
 */

#ifndef XENNET_HV_PRIV_H
#define XENNET_HV_PRIV_H

#include "hv.h"

struct hv_ops {
	const char	*ho_name;
	int		 ho_synthetic;	/* honours the synthetic cost */
	void		*(*ho_open)(const char *, uint32_t);
	void		 (*ho_close)(void *);
	int		 (*ho_own_domid)(void *, uint32_t *);
	int		 (*ho_dominfo)(void *, uint32_t, struct hv_dominfo *);
	void		*(*ho_map)(void *, uint32_t, const uint32_t *,
			    unsigned int, int);
	int		 (*ho_unmap)(void *, void *, unsigned int);
	int		 (*ho_copy)(void *, hv_copy_seg *, unsigned int);
	int		 (*ho_evtchn_fd)(void *);
	int		 (*ho_evtchn_bind)(void *, uint32_t, uint32_t);
	int		 (*ho_evtchn_alloc_unbound)(void *, uint32_t);
	int		 (*ho_evtchn_unbind)(void *, uint32_t);
	int		 (*ho_evtchn_notify)(void *, uint32_t);
	int		 (*ho_evtchn_pending)(void *, int *, unsigned int);
	int		 (*ho_evtchn_unmask)(void *, const int *, unsigned int);
	int		 (*ho_evtchn_reset)(void *);
};

extern const struct hv_ops hv_xen_ops;	/* hv-xen.c */
extern const struct hv_ops hv_sim_ops;	/* hv-sim.c */

/* hv_open_priv: a handle on ops with its state priv (hv.c). */
struct hv	*hv_open_priv(const struct hv_ops *, void *);

/*
 * For providers that hold guest memory in this process (hv.c): Xen's
 * checks of one grant entry, and GNTTABOP_copy done by memmove.  A side
 * function resolves (domid, ref) used for writing or not to the start of
 * its page in *page and returns GNTST_okay, or a GNTST_* refusal.
 */
typedef int16_t	(*hv_copy_side_fn)(void *, uint16_t, uint32_t, int,
		    uint8_t **);
int16_t		 hv_gnt_check(const grant_entry_v1_t *, uint16_t, int,
		    uint32_t);
int		 hv_copy_emulate(hv_copy_seg *, unsigned int, hv_copy_side_fn,
		    void *);

#endif /* XENNET_HV_PRIV_H */
