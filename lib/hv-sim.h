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
 * The sim provider's run directory, shared by hv-sim.c (the hypervisor
 * side: grant copy/map, event channels) and simdom.c (the toolstack and
 * guest side).  Every process that uses the same run directory sees the
 * same simulated machine:
 *
 *   <simdir>/dom<d>/info     struct hv_sim_info: exists/dying/shutdown
 *   <simdir>/dom<d>/mem      npages pages of guest memory
 *   <simdir>/dom<d>/gnttab   union hv_sim_gnt[HV_SIM_NR_GRANTS]
 *                            (the guest's v1 grant table)
 *   <simdir>/dom<d>/active   struct hv_sim_pin[HV_SIM_NR_GRANTS]: how
 *                            many mappings hold each grant (Xen's active
 *                            grant table; flock(2)ed while changed)
 *   <simdir>/evtchn/d<d>     struct hv_sim_evhdr + struct hv_sim_port
 *                            [HV_SIM_NR_PORTS]: domain d's event channels
 *                            (flock(2)ed while changed)
 *   <simdir>/evtchn/h<d>.<pid>.<n>
 *                            the unix datagram socket of one hv handle;
 *                            a datagram is a doorbell, the event itself
 *                            is the port's pending flag
 *   <simdir>/maps/h<d>.<pid>.<n>
 *                            struct hv_sim_maprec[]: the grants one hv
 *                            handle has mapped, so that those of a dead
 *                            process can be unpinned (hv_sim_reap_maps)
 *
 * A domain directory is built under a temporary name and renamed into
 * place, and renamed away before it is emptied, so nobody sees half a
 * domain.  Domain 0 needs no directory: it always exists.
 *
 * All files are native-endian and mapped MAP_SHARED; fields that other
 * processes change are accessed with __atomic builtins.
 */

#ifndef XENNET_HV_SIM_H
#define XENNET_HV_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "hv.h"

#define HV_SIM_DEFAULT_DIR	"/run/xennetd-sim"
#define HV_SIM_DIR_ENV		"XENNET_SIM_DIR"

#define HV_SIM_INFO_MAGIC	0x78736931U	/* "xsi1" */
#define HV_SIM_EV_MAGIC		0x78736531U	/* "xse1" */

#define HV_SIM_FIRST_REF	8	/* GNTTAB_NR_RESERVED_ENTRIES */
#define HV_SIM_MAX_PAGES	(1U << 20)	/* 4 GiB of guest memory */
#define HV_SIM_NR_PORTS		1024	/* ports per domain; 0 is invalid */
#define HV_SIM_OWNER_LEN	32	/* socket name, NUL included */

/* dom<d>/info */
struct hv_sim_info {
	uint32_t	si_magic;
	uint32_t	si_domid;
	uint32_t	si_npages;
	uint32_t	si_exists;	/* 0 once destroyed */
	uint32_t	si_dying;	/* set first by simdom_destroy */
	uint32_t	si_shutdown;
	uint32_t	si_pad;
	uint64_t	si_gen;		/* this incarnation of the domid */
};

/* dom<d>/gnttab: one v1 entry, also readable as one atomic word. */
union hv_sim_gnt {
	grant_entry_v1_t	sg_e;
	uint64_t		sg_w;
};

/* dom<d>/active */
struct hv_sim_pin {
	uint32_t	pn_rd;		/* mappings of the grant */
	uint32_t	pn_wr;		/* writable ones among them */
};

/* maps/<handle>: one pinned grant */
struct hv_sim_maprec {
	uint64_t	mr_gen;		/* si_gen of the granting domain */
	uint32_t	mr_domid;
	uint32_t	mr_ref;
	uint32_t	mr_rw;
	uint32_t	mr_pad;
};

/* Event channel port states (Xen's ECS_FREE, _UNBOUND, _INTERDOMAIN). */
#define HV_SIM_PORT_FREE	0
#define HV_SIM_PORT_UNBOUND	1
#define HV_SIM_PORT_INTERDOMAIN	2

/* evtchn/d<d> header */
struct hv_sim_evhdr {
	uint32_t	eh_magic;
	uint32_t	eh_domid;
	uint32_t	eh_nports;
	uint32_t	eh_dead;	/* domain destroyed: file unlinked */
	uint8_t		eh_pad[48];
};

/*
 * One port.  po_state, po_rdomid, po_rport and po_owner change only
 * under the file's flock, inside a seqlock (po_seq odd while changing);
 * po_pending is set by the sender and cleared by the owner, lock-free.
 */
struct hv_sim_port {
	uint32_t	po_seq;
	uint32_t	po_state;
	uint32_t	po_rdomid;	/* unbound: who may bind; else peer */
	uint32_t	po_rport;	/* interdomain: peer's port */
	uint32_t	po_pending;
	uint32_t	po_pad[3];
	uint64_t	po_owner[HV_SIM_OWNER_LEN / 8];	/* socket name */
};

/* An open domain: files mapped, reference counted. */
struct hv_sim_dom {
	uint32_t		 sd_domid;
	uint64_t		 sd_gen;
	unsigned int		 sd_refs;
	unsigned int		 sd_npages;
	int			 sd_memfd;
	int			 sd_pinfd;
	struct hv_sim_info	*sd_info;
	union hv_sim_gnt	*sd_gnt;
	struct hv_sim_pin	*sd_pin;
	uint8_t			*sd_mem;
};

/* simdom.c */
const char	*hv_sim_dir(const char *);
int		 hv_sim_path(char *, size_t, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
int		 hv_sim_mkdirs(const char *);
void		*hv_sim_mapfd(int, size_t);
int		 hv_sim_dom_open(const char *, uint32_t, struct hv_sim_dom **);
void		 hv_sim_dom_rele(struct hv_sim_dom *);
int		 hv_sim_dom_live(const struct hv_sim_dom *);
int		 hv_sim_dom_info(const char *, uint32_t, struct hv_dominfo *);

/* hv-sim.c */
int		 hv_sim_evtchn_destroy(const char *, uint32_t);
int		 hv_sim_reap_maps(const char *);

#endif /* XENNET_HV_SIM_H */
