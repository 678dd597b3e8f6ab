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
 * Simulated domains for the simulators' toolkit (libsimtk.a): the
 * toolstack's side (simdom_create, simdom_destroy, simdom_set_shutdown:
 * what xl does to a domain's memory, grants and event channels) and the
 * guest's side (simdom_attach and the rest: its own memory and grant
 * table, as a guest kernel sees them).  They work on the sim run
 * directory (lib/simrun.h) that the sim provider of lib/hv.h uses as the
 * hypervisor.  A domain is <simdir>/dom<domid>/ with "mem" (npages
 * pages), "gnttab" (SIMRUN_NR_GRANTS v1 entries, refs below
 * SIMRUN_FIRST_REF reserved) and "info" (exists/dying/shutdown).  A NULL
 * simdir means $XENNET_SIM_DIR, else /run/xennetd-sim.
 */

#ifndef XENNET_SIMDOM_H
#define XENNET_SIMDOM_H

#include <stdint.h>

struct simdom;

int		 simdom_create(const char *simdir, uint32_t domid,
		    unsigned int npages);	/* toolstack: xl create */
int		 simdom_destroy(const char *simdir, uint32_t domid);
						/* toolstack: xl destroy */
int		 simdom_set_shutdown(const char *simdir, uint32_t domid);
struct simdom	*simdom_attach(const char *simdir, uint32_t domid);
						/* the guest itself */
void		 simdom_detach(struct simdom *);
unsigned int	 simdom_npages(struct simdom *);
void		*simdom_page(struct simdom *, uint32_t frame);
/* Grant frame to domid (GTF_permit_access [| GTF_readonly]); ref or -1. */
int		 simdom_grant(struct simdom *, uint32_t frame,
		    uint16_t domid, int readonly);
/* Revoke; -1 with EBUSY while the backend has it mapped. */
int		 simdom_ungrant(struct simdom *, uint32_t ref);
int		 simdom_alive(struct simdom *);	/* 0 once destroyed */

#endif /* XENNET_SIMDOM_H */
