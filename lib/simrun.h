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
 * The simulated machine's run directory: its file layout, the structures
 * of its shared files, and opening a simulated domain.  Both sides of the
 * simulation use it: the sim provider (hv-sim.c: the hypervisor side,
 * grant copy/map and event channels) and the simulated domains' guest
 * and toolstack side (tests/sim/simdom.c).  It calls neither.  Every
 * process that uses the same run directory sees the same machine:
 *
 *   <simdir>/dom<d>/info     struct simrun_info: exists/dying/shutdown
 *   <simdir>/dom<d>/mem      npages pages of guest memory
 *   <simdir>/dom<d>/gnttab   union simrun_gnt[SIMRUN_NR_GRANTS]
 *                            (the guest's v1 grant table)
 *   <simdir>/dom<d>/active   struct simrun_pin[SIMRUN_NR_GRANTS]: how
 *                            many mappings hold each grant (Xen's active
 *                            grant table; flock(2)ed while changed)
 *   <simdir>/evtchn/d<d>     struct simrun_evhdr + struct simrun_port
 *                            [SIMRUN_NR_PORTS]: domain d's event channels
 *                            (flock(2)ed while changed)
 *   <simdir>/evtchn/h<d>.<pid>.<n>
 *                            the unix datagram socket of one hv handle;
 *                            a datagram is a doorbell, the event itself
 *                            is the port's pending flag
 *   <simdir>/maps/h<d>.<pid>.<n>
 *                            struct simrun_maprec[]: the grants one hv
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

#ifndef XENNET_SIMRUN_H
#define XENNET_SIMRUN_H

#include <stddef.h>
#include <stdint.h>

#include "hv.h"		/* HV_PAGE_SIZE, struct hv_dominfo, grant_entry_v1 */

#define SIMRUN_DEFAULT_DIR	"/run/xennetd-sim"
#define SIMRUN_DIR_ENV		"XENNET_SIM_DIR"

#define SIMRUN_INFO_MAGIC	0x78736931U	/* "xsi1" */
#define SIMRUN_EV_MAGIC		0x78736531U	/* "xse1" */

#define SIMRUN_NR_GRANTS	4096	/* grant entries per domain */
#define SIMRUN_FIRST_REF	8	/* GNTTAB_NR_RESERVED_ENTRIES */
#define SIMRUN_MAX_PAGES	(1U << 20)	/* 4 GiB of guest memory */
#define SIMRUN_NR_PORTS		1024	/* ports per domain; 0 is invalid */
#define SIMRUN_OWNER_LEN	32	/* socket name, NUL included */

/* dom<d>/info */
struct simrun_info {
	uint32_t	si_magic;
	uint32_t	si_domid;
	uint32_t	si_npages;
	uint32_t	si_exists;	/* 0 once destroyed */
	uint32_t	si_dying;	/* set first when destroyed */
	uint32_t	si_shutdown;
	uint32_t	si_pad;
	uint64_t	si_gen;		/* this incarnation of the domid */
};

/* dom<d>/gnttab: one v1 entry, also readable as one atomic word. */
union simrun_gnt {
	grant_entry_v1_t	sg_e;
	uint64_t		sg_w;
};

/* dom<d>/active */
struct simrun_pin {
	uint32_t	pn_rd;		/* mappings of the grant */
	uint32_t	pn_wr;		/* writable ones among them */
};

/* maps/<handle>: one pinned grant */
struct simrun_maprec {
	uint64_t	mr_gen;		/* si_gen of the granting domain */
	uint32_t	mr_domid;
	uint32_t	mr_ref;
	uint32_t	mr_rw;
	uint32_t	mr_pad;
};

/* Event channel port states (Xen's ECS_FREE, _UNBOUND, _INTERDOMAIN). */
#define SIMRUN_PORT_FREE	0
#define SIMRUN_PORT_UNBOUND	1
#define SIMRUN_PORT_INTERDOMAIN	2

/* evtchn/d<d> header */
struct simrun_evhdr {
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
struct simrun_port {
	uint32_t	po_seq;
	uint32_t	po_state;
	uint32_t	po_rdomid;	/* unbound: who may bind; else peer */
	uint32_t	po_rport;	/* interdomain: peer's port */
	uint32_t	po_pending;
	uint32_t	po_pad[3];
	uint64_t	po_owner[SIMRUN_OWNER_LEN / 8];	/* socket name */
};

/* An open domain: files mapped, reference counted. */
struct simrun_dom {
	uint32_t		 sd_domid;
	uint64_t		 sd_gen;
	unsigned int		 sd_refs;
	unsigned int		 sd_npages;
	int			 sd_memfd;
	int			 sd_pinfd;
	struct simrun_info	*sd_info;
	union simrun_gnt	*sd_gnt;
	struct simrun_pin	*sd_pin;
	uint8_t			*sd_mem;
};

const char	*simrun_dir(const char *);
int		 simrun_path(char *, size_t, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
int		 simrun_mkdirs(const char *);
void		*simrun_mapfd(int, size_t);
int		 simrun_info_open(const char *, uint32_t,
		    struct simrun_info **);
void		 simrun_info_close(struct simrun_info *);
int		 simrun_dom_info(const char *, uint32_t, struct hv_dominfo *);
int		 simrun_dom_open(const char *, uint32_t, struct simrun_dom **);
void		 simrun_dom_rele(struct simrun_dom *);
int		 simrun_dom_live(const struct simrun_dom *);

#endif /* XENNET_SIMRUN_H */
