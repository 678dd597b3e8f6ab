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
 * What the sim provider (hv-sim.c) offers the simulated toolstack and
 * guests besides the hv.h interface: the hypervisor's side of destroying
 * a domain and of a process dying with grants mapped.  Both work on the
 * run directory of simrun.h.
 */

#ifndef XENNET_HV_SIM_H
#define XENNET_HV_SIM_H

#include <stdint.h>

/*
 * hv_sim_evtchn_destroy: what Xen does to the event channels of a dying
 * domain: close every port of domid (peers become unbound) and remove
 * its port file.  Returns 0 (also if the domain had none) or -1 with
 * errno.
 */
int		 hv_sim_evtchn_destroy(const char *, uint32_t);

/*
 * hv_sim_reap_maps: release the grants pinned by hv handles of processes
 * that died without hv_close, as the kernel does at exit.  Returns the
 * number released, or -1 with errno.
 */
int		 hv_sim_reap_maps(const char *);

#endif /* XENNET_HV_SIM_H */
