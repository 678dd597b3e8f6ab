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
 * Unit test of the hypervisor interface with the sim provider: grant
 * copy and map with Xen's refusals, event channels with libxenevtchn
 * semantics, hypercall counters and the synthetic cost.  Everything lives
 * in a private run directory under /tmp, removed at exit.
 */

#include <sys/mman.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"
#include "simrun.h"
#include "../sim/simdom.h"
#include "../tap.h"
#include "rundir.h"

#define GUEST		5
#define OTHER		6
#define NPAGES		64

static char	 simdir[] = "/tmp/t_hv.XXXXXX";

static double	 now_ms(void);
static int	 readable(int, int);
static int	 handle_files(const char *);
static void	 seg_guest(hv_copy_seg *, int, uint32_t, uint32_t,
		    uint16_t, void *, uint16_t);
static void	 seg_from_guest(hv_copy_seg *, uint32_t, uint32_t, uint16_t,
		    void *, uint16_t);
static void	 seg_to_guest(hv_copy_seg *, uint32_t, uint32_t, uint16_t,
		    void *, uint16_t);
static int16_t	 copy1(struct hv *, hv_copy_seg *);
static void	 t_setup(struct hv **, struct hv **, struct simdom **);
static void	 t_copy(struct hv *, struct simdom *);
static void	 t_counts(struct hv *, struct simdom *);
static void	 t_map(struct hv *, struct simdom *);
static void	 t_mapcopy(struct hv *, struct simdom *);
static void	 t_evtchn(struct hv *, struct hv *);
static void	 t_evtchn_n(struct hv *, struct hv *);
static void	 t_fork(struct hv *, struct simdom *);
static void	 t_dying(struct hv *);
static void	 t_destroy(struct hv *, struct hv *, struct simdom *);
static void	 t_cost(struct hv *, struct simdom *);
static void	 t_bench(struct hv *, struct simdom *);

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/* 1 if fd becomes readable within ms milliseconds. */
static int
readable(int fd, int ms)
{
	struct pollfd pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return (poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN));
}

/*
 * Files named after a handle of this process (h<domid>.<pid>.<n>) in
 * simdir/sub.
 */
static int
handle_files(const char *sub)
{
	char path[4096];
	struct dirent *de;
	unsigned int dom, k;
	long pid;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", simdir, sub);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		if (sscanf(de->d_name, "h%u.%ld.%u", &dom, &pid, &k) == 3 &&
		    pid == (long)getpid())
			n++;
	closedir(d);
	return (n);
}

/*
 * seg_guest: fill s for a copy of len octets between grant ref of domid
 * (at offset off) and our buf, to the guest if to_guest, else from it.
 * The status is preset to 1: the call must overwrite it.
 */
static void
seg_guest(hv_copy_seg *s, int to_guest, uint32_t domid, uint32_t ref,
    uint16_t off, void *buf, uint16_t len)
{
	union xengnttab_copy_ptr *gp, *lp;

	memset(s, 0, sizeof(*s));
	gp = to_guest ? &s->dest : &s->source;
	lp = to_guest ? &s->source : &s->dest;
	gp->foreign.domid = (uint16_t)domid;
	gp->foreign.ref = ref;
	gp->foreign.offset = off;
	lp->virt = buf;
	s->len = len;
	s->flags = to_guest ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
	s->status = 1;
}

static void
seg_from_guest(hv_copy_seg *s, uint32_t domid, uint32_t ref, uint16_t off,
    void *buf, uint16_t len)
{

	seg_guest(s, 0, domid, ref, off, buf, len);
}

static void
seg_to_guest(hv_copy_seg *s, uint32_t domid, uint32_t ref, uint16_t off,
    void *buf, uint16_t len)
{

	seg_guest(s, 1, domid, ref, off, buf, len);
}

/* One segment in one call: its status, or 99 if the call failed. */
static int16_t
copy1(struct hv *hv, hv_copy_seg *s)
{

	if (hv_copy(hv, s, 1) != 0)
		return (99);
	return (s->status);
}

static void
t_setup(struct hv **bp, struct hv **gp, struct simdom **smp)
{
	struct hv_dominfo di;
	uint32_t id = 1234;

	ok(simdom_create(simdir, GUEST, NPAGES) == 0, "simdom_create dom%d",
	    GUEST);
	ok(simdom_create(simdir, GUEST, NPAGES) == -1 && errno == EEXIST,
	    "creating it again: EEXIST");
	ok(simdom_create(simdir, 0, NPAGES) == -1 && errno == EINVAL,
	    "dom0 cannot be created: EINVAL");
	ok(hv_open("nosuch", simdir, 0) == NULL && errno == EINVAL,
	    "unknown provider: EINVAL");
	*bp = hv_open("sim", simdir, 0);
	*gp = hv_open("sim", simdir, GUEST);
	ok(*bp != NULL && *gp != NULL, "hv_open sim as dom0 and dom%d", GUEST);
	if (*bp == NULL || *gp == NULL)
		exit(done_testing());
	ok(strcmp(hv_provider(*bp), "sim") == 0, "provider is sim");
	ok(hv_own_domid(*gp, &id) == 0 && id == GUEST,
	    "hv_own_domid is the domid given to hv_open");
	*smp = simdom_attach(simdir, GUEST);
	ok(*smp != NULL && simdom_npages(*smp) == NPAGES &&
	    simdom_alive(*smp), "guest attaches: %d pages, alive", NPAGES);
	if (*smp == NULL)
		exit(done_testing());
	ok(simdom_attach(simdir, 77) == NULL && errno == ESRCH,
	    "attach to a missing domain: ESRCH");
	ok(hv_dominfo(*bp, GUEST, &di) == 0 && di.hd_exists &&
	    !di.hd_dying && !di.hd_shutdown, "dominfo: guest exists");
	ok(hv_dominfo(*bp, 0, &di) == 0 && di.hd_exists, "dominfo: dom0 "
	    "exists");
	ok(hv_dominfo(*bp, 77, &di) == 0 && !di.hd_exists,
	    "dominfo: dom77 does not exist");
}

static void
t_copy(struct hv *b, struct simdom *sm)
{
	uint8_t buf[4096], *pg;
	hv_copy_seg s[3];
	int ro, rw, other, badpg, i, good;

	pg = simdom_page(sm, 3);
	for (i = 0; i < HV_PAGE_SIZE; i++)
		pg[i] = (uint8_t)(i * 7 + 1);
	ro = simdom_grant(sm, 3, 0, 1);
	rw = simdom_grant(sm, 4, 0, 0);
	other = simdom_grant(sm, 3, 7, 0);
	badpg = simdom_grant(sm, NPAGES + 10, 0, 0);
	ok(ro >= SIMRUN_FIRST_REF && rw > ro && other > rw && badpg > other,
	    "grants use refs from %d up (%d %d %d %d)", SIMRUN_FIRST_REF, ro,
	    rw, other, badpg);

	memset(buf, 0, sizeof(buf));
	seg_from_guest(&s[0], GUEST, ro, 100, buf, 200);
	ok(hv_copy(b, s, 1) == 0 && s[0].status == GNTST_okay,
	    "copy guest->local: okay");
	for (good = 1, i = 0; i < 200; i++)
		if (buf[i] != (uint8_t)((i + 100) * 7 + 1))
			good = 0;
	ok(good && buf[200] == 0, "copy guest->local: the right 200 bytes");

	for (i = 0; i < 96; i++)
		buf[i] = (uint8_t)(0xa0 + i);
	seg_to_guest(&s[0], GUEST, rw, 4000, buf, 96);
	ok(copy1(b, &s[0]) == GNTST_okay, "copy local->guest: okay");
	pg = simdom_page(sm, 4);
	for (good = 1, i = 0; i < 96; i++)
		if (pg[4000 + i] != (uint8_t)(0xa0 + i))
			good = 0;
	ok(good && pg[3999] == 0, "copy local->guest: the guest sees them");

	seg_from_guest(&s[0], GUEST, SIMRUN_NR_GRANTS, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_bad_gntref, "ref beyond the table: "
	    "GNTST_bad_gntref");
	seg_from_guest(&s[0], GUEST, 4000, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_permission_denied,
	    "ref not granted: GNTST_permission_denied");
	seg_from_guest(&s[0], GUEST, SIMRUN_FIRST_REF - 1, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_permission_denied,
	    "reserved ref: GNTST_permission_denied");
	seg_from_guest(&s[0], GUEST, other, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_permission_denied,
	    "granted to another domain: GNTST_permission_denied");
	seg_to_guest(&s[0], GUEST, ro, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_permission_denied,
	    "read-only grant as copy destination: GNTST_permission_denied");
	seg_from_guest(&s[0], GUEST, ro, 4000, buf, 97);
	ok(copy1(b, &s[0]) == GNTST_bad_copy_arg,
	    "offset+len beyond the page: GNTST_bad_copy_arg");
	seg_from_guest(&s[0], GUEST, ro, 4000, buf, 96);
	ok(copy1(b, &s[0]) == GNTST_okay, "offset+len == page size: okay");
	seg_from_guest(&s[0], GUEST, badpg, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_bad_page,
	    "frame beyond guest memory: GNTST_bad_page");
	seg_from_guest(&s[0], 9, ro, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_bad_domain,
	    "no such domain: GNTST_bad_domain");

	/* One call, independent statuses. */
	seg_from_guest(&s[0], GUEST, ro, 0, buf, 8);
	seg_from_guest(&s[1], GUEST, other, 0, buf + 8, 8);
	seg_to_guest(&s[2], GUEST, rw, 0, buf, 8);
	ok(hv_copy(b, s, 3) == 0 && s[0].status == GNTST_okay &&
	    s[1].status == GNTST_permission_denied &&
	    s[2].status == GNTST_okay, "a batch reports each segment");
	memset(&s[0], 0, sizeof(s[0]));
	s[0].source.virt = buf;
	s[0].dest.virt = buf + 100;
	s[0].len = 4;
	ok(hv_copy(b, s, 1) == -1 && errno == EINVAL,
	    "a segment with no grant side fails the call (EINVAL, gntdev)");
	ok(simdom_ungrant(sm, ro) == 0 && simdom_ungrant(sm, rw) == 0 &&
	    simdom_ungrant(sm, other) == 0 && simdom_ungrant(sm, badpg) == 0,
	    "ungrant unmapped grants");
	seg_from_guest(&s[0], GUEST, ro, 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_permission_denied,
	    "revoked grant: GNTST_permission_denied");
	ok(simdom_ungrant(sm, ro) == -1 && errno == EINVAL,
	    "ungrant twice: EINVAL");
}

/*
 * t_mapcopy: hv_copy with the map+memcpy engine: the same bytes, each
 * segment its own status, a whole batch in one map and one unmap call
 * per domain and access, nothing left mapped.
 */
static void
t_mapcopy(struct hv *b, struct simdom *sm)
{
	const struct hv_counts *c = hv_counts(b);
	uint8_t buf[8 * 512], *pg;
	hv_copy_seg s[64];
	int ro[8], rw, i, good, fb = -1;
	int16_t st;

	ok(hv_set_engine(b, HV_ENGINE_MAP) == 0 &&
	    hv_engine(b, &fb) == HV_ENGINE_MAP && fb == 0 &&
	    strcmp(hv_engine_name(HV_ENGINE_MAP), "map") == 0,
	    "map engine: selected");
	for (i = 0; i < 8; i++) {
		pg = simdom_page(sm, 20 + i);
		memset(pg, 0x10 + i, HV_PAGE_SIZE);
		pg[i] = 0xee;
		ro[i] = simdom_grant(sm, 20 + i, 0, 1);
	}
	rw = simdom_grant(sm, 30, 0, 0);

	/* 8 segments from each of 8 pages: one map call of 8 pages */
	for (i = 0; i < 64; i++)
		seg_from_guest(&s[i], GUEST, ro[i / 8], (i % 8) * 512,
		    buf + (i % 8) * 512, 512);
	hv_counts_reset(b);
	ok(hv_copy(b, s, 64) == 0, "map engine: a batch of 64");
	for (good = 1, i = 0; i < 64; i++)
		if (s[i].status != GNTST_okay)
			good = 0;
	ok(good, "map engine: all 64 okay");
	ok(c->hc_calls[HV_CALL_MAP] == 1 && c->hc_map_pages == 8 &&
	    c->hc_calls[HV_CALL_UNMAP] == 1 && c->hc_calls[HV_CALL_COPY] == 0,
	    "map engine: 8 distinct pages = 1 map (8 pages) + 1 unmap, "
	    "no copy call (%llu maps, %llu pages, %llu unmaps)",
	    (unsigned long long)c->hc_calls[HV_CALL_MAP],
	    (unsigned long long)c->hc_map_pages,
	    (unsigned long long)c->hc_calls[HV_CALL_UNMAP]);
	/* the last page's 8 segments were copied last: its bytes */
	for (good = 1, i = 0; i < 8 * 512; i++)
		if (buf[i] != (i == 7 ? 0xee : 0x17))
			good = 0;
	ok(good, "map engine: guest->local, the right bytes");

	for (i = 0; i < 100; i++)
		buf[i] = (uint8_t)(0x40 + i);
	seg_to_guest(&s[0], GUEST, rw, 3997, buf, 100);
	ok(copy1(b, &s[0]) == GNTST_bad_copy_arg,
	    "map engine: offset+len beyond the page: GNTST_bad_copy_arg");
	seg_to_guest(&s[0], GUEST, rw, 3996, buf, 100 - 4);
	ok(copy1(b, &s[0]) == GNTST_okay, "map engine: local->guest okay");
	pg = simdom_page(sm, 30);
	for (good = 1, i = 0; i < 96; i++)
		if (pg[3996 + i] != (uint8_t)(0x40 + i))
			good = 0;
	ok(good && pg[3995] == 0, "map engine: the guest sees them");
	seg_to_guest(&s[0], GUEST, ro[0], 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_permission_denied,
	    "map engine: read-only grant as destination refused");
	seg_from_guest(&s[0], GUEST, 4000, 0, buf, 10);
	st = copy1(b, &s[0]);
	ok(st == GNTST_permission_denied, "map engine: ref not granted: "
	    "GNTST_permission_denied (%d)", st);
	seg_from_guest(&s[0], 9, ro[0], 0, buf, 10);
	ok(copy1(b, &s[0]) == GNTST_bad_domain,
	    "map engine: no such domain: GNTST_bad_domain");

	/* a bad ref in the batch fails only its own segments */
	memset(buf, 0, sizeof(buf));
	seg_from_guest(&s[0], GUEST, ro[1], 0, buf, 16);
	seg_from_guest(&s[1], GUEST, 4000, 0, buf + 16, 16);
	seg_from_guest(&s[2], GUEST, ro[2], 0, buf + 32, 16);
	seg_to_guest(&s[3], GUEST, rw, 0, buf, 8);
	ok(hv_copy(b, s, 4) == 0 && s[0].status == GNTST_okay &&
	    s[1].status != GNTST_okay && s[2].status == GNTST_okay &&
	    s[3].status == GNTST_okay && buf[0] == 0x11 && buf[16] == 0 &&
	    buf[32] == 0x12 && buf[34] == 0xee,
	    "map engine: a batch reports each segment");
	memset(&s[0], 0, sizeof(s[0]));
	s[0].source.virt = buf;
	s[0].dest.virt = buf + 100;
	s[0].len = 4;
	ok(hv_copy(b, s, 1) == -1 && errno == EINVAL,
	    "map engine: a segment with no grant side fails the call");
	for (good = 1, i = 0; i < 8; i++)
		if (simdom_ungrant(sm, ro[i]) != 0)
			good = 0;
	ok(good && simdom_ungrant(sm, rw) == 0,
	    "map engine: nothing left mapped (every grant can be revoked)");
	ok(hv_set_engine(b, HV_ENGINE_COPY) == 0 &&
	    hv_engine(b, NULL) == HV_ENGINE_COPY &&
	    hv_set_engine(b, (enum hv_engine)7) == -1 && errno == EINVAL,
	    "back to grant copy; an unknown engine is refused");
}

static void
t_counts(struct hv *b, struct simdom *sm)
{
	const struct hv_counts *c = hv_counts(b);
	hv_copy_seg s[64];
	uint8_t buf[64 * 64];
	int ref, i, allok = 1;

	ref = simdom_grant(sm, 10, 0, 1);
	for (i = 0; i < 64; i++)
		seg_from_guest(&s[i], GUEST, ref, i * 64, buf + i * 64, 64);
	hv_counts_reset(b);
	ok(hv_copy(b, s, 64) == 0, "batch of 64 copies");
	for (i = 0; i < 64; i++)
		if (s[i].status != GNTST_okay)
			allok = 0;
	ok(allok, "all 64 segments okay");
	ok(c->hc_calls[HV_CALL_COPY] == 1 && c->hc_copy_segs == 64,
	    "a batch of 64 grant copies costs 1 counted hypercall "
	    "(%llu calls, %llu segs)",
	    (unsigned long long)c->hc_calls[HV_CALL_COPY],
	    (unsigned long long)c->hc_copy_segs);
	hv_counts_reset(b);
	for (i = 0; i < 64; i++)
		if (hv_copy(b, &s[i], 1) != 0 || s[i].status != GNTST_okay)
			allok = 0;
	ok(allok && c->hc_calls[HV_CALL_COPY] == 64 &&
	    c->hc_copy_segs == 64, "64 single copies cost 64 (%llu)",
	    (unsigned long long)c->hc_calls[HV_CALL_COPY]);
	ok(hv_copy(b, s, 0) == 0 && c->hc_calls[HV_CALL_COPY] == 64,
	    "an empty batch makes no hypercall");
	ok(strcmp(hv_call_name(HV_CALL_COPY), "copy") == 0 &&
	    strcmp(hv_call_name(HV_CALL_DOMINFO), "dominfo") == 0 &&
	    strcmp(hv_call_name(HV_CALL_MAX), "unknown") == 0,
	    "hv_call_name");
	simdom_ungrant(sm, ref);
}

static void
t_map(struct hv *b, struct simdom *sm)
{
	const struct hv_counts *c = hv_counts(b);
	uint32_t refs[2];
	uint8_t *m, *m2, *gp;
	int ro, rw, rw2;

	ro = simdom_grant(sm, 20, 0, 1);
	rw = simdom_grant(sm, 21, 0, 0);
	rw2 = simdom_grant(sm, 30, 0, 0);
	gp = simdom_page(sm, 20);
	memset(gp, 0x11, HV_PAGE_SIZE);

	hv_counts_reset(b);
	refs[0] = ro;
	m = hv_map(b, GUEST, refs, 1, 0);
	ok(m != NULL && m[0] == 0x11 && m[4095] == 0x11,
	    "read-only map shows the guest page");
	gp[17] = 0x77;
	ok(m != NULL && m[17] == 0x77, "read-only map sees guest writes");
	ok(simdom_ungrant(sm, ro) == -1 && errno == EBUSY,
	    "ungrant while mapped: EBUSY");
	m2 = hv_map(b, GUEST, refs, 1, 0);
	ok(m2 != NULL && m2 != m && m2[17] == 0x77,
	    "a second map of the same ref");
	ok(hv_unmap(b, m, 1) == 0, "unmap the first");
	ok(simdom_ungrant(sm, ro) == -1 && errno == EBUSY,
	    "still EBUSY while the second map holds it");
	ok(hv_unmap(b, m2, 2) == -1 && errno == EINVAL,
	    "unmap with the wrong count: EINVAL");
	ok(hv_unmap(b, m2, 1) == 0 && simdom_ungrant(sm, ro) == 0,
	    "ungrant succeeds after the last unmap");

	ro = simdom_grant(sm, 20, 0, 1);
	refs[0] = ro;
	ok(hv_map(b, GUEST, refs, 1, 1) == NULL && errno == EPERM,
	    "writable map of a read-only grant: EPERM");
	ok(simdom_ungrant(sm, ro) == 0, "a refused map leaves no pin");

	refs[0] = rw;
	refs[1] = rw2;
	m = hv_map(b, GUEST, refs, 2, 1);
	ok(m != NULL, "writable map of two non-adjacent frames");
	if (m != NULL) {
		m[5] = 0x5a;
		m[HV_PAGE_SIZE + 6] = 0xa5;
	}
	ok(((uint8_t *)simdom_page(sm, 21))[5] == 0x5a &&
	    ((uint8_t *)simdom_page(sm, 30))[6] == 0xa5,
	    "writes through the map are visible to the guest");
	ok(c->hc_calls[HV_CALL_MAP] == 4 && c->hc_map_pages == 5 &&
	    c->hc_calls[HV_CALL_UNMAP] == 3,
	    "map/unmap counted per batch (%llu maps, %llu pages)",
	    (unsigned long long)c->hc_calls[HV_CALL_MAP],
	    (unsigned long long)c->hc_map_pages);
	ok(hv_unmap(b, m, 2) == 0 && simdom_ungrant(sm, rw) == 0 &&
	    simdom_ungrant(sm, rw2) == 0, "unmap, then both ungrant");

	refs[0] = 4000;
	ok(hv_map(b, GUEST, refs, 1, 0) == NULL && errno == EPERM,
	    "map of an ungranted ref: EPERM");
	refs[0] = SIMRUN_NR_GRANTS + 1;
	ok(hv_map(b, GUEST, refs, 1, 0) == NULL && errno == EINVAL,
	    "map of a ref beyond the table: EINVAL");
	ok(hv_map(b, 9, refs, 1, 0) == NULL && errno == ESRCH,
	    "map from a missing domain: ESRCH");
}

static void
t_evtchn(struct hv *b, struct hv *g)
{
	const struct hv_counts *c = hv_counts(b);
	int bfd = hv_evtchn_fd(b), gfd = hv_evtchn_fd(g);
	int gp, bp, gp7, p;

	gp = hv_evtchn_alloc_unbound(g, 0);
	ok(gp > 0, "guest: alloc_unbound for dom0 -> port %d", gp);
	hv_counts_reset(b);
	bp = hv_evtchn_bind(b, GUEST, gp);
	ok(bp > 0, "backend: bind to dom%d port %d -> port %d", GUEST, gp,
	    bp);
	ok(c->hc_calls[HV_CALL_BIND] == 1, "bind counted");
	ok(readable(bfd, 1000) && hv_evtchn_pending(b) == bp,
	    "bind leaves an event pending on the new port, as Xen does");
	ok(hv_evtchn_unmask(b, bp) == 0, "unmask");
	ok(hv_evtchn_pending(b) == -1 && errno == EAGAIN,
	    "nothing more pending: EAGAIN");

	ok(hv_evtchn_notify(g, gp) == 0, "guest notifies");
	ok(readable(bfd, 1000), "backend fd becomes readable");
	ok(hv_evtchn_pending(b) == bp, "pending returns the backend port");
	ok(hv_evtchn_unmask(b, bp) == 0 && !readable(bfd, 0),
	    "after unmask with nothing new, fd not readable");

	ok(hv_evtchn_notify(b, bp) == 0 && readable(gfd, 1000) &&
	    hv_evtchn_pending(g) == gp, "backend notifies, guest gets it");
	ok(hv_evtchn_unmask(g, gp) == 0, "guest unmasks");

	hv_evtchn_notify(g, gp);
	hv_evtchn_notify(g, gp);
	ok(hv_evtchn_pending(b) == bp, "two notifies: delivered once");
	ok(hv_evtchn_pending(b) == -1 && errno == EAGAIN,
	    "... and merged: no second delivery");
	hv_evtchn_unmask(b, bp);
	ok(!readable(bfd, 0) && hv_evtchn_pending(b) == -1,
	    "unmask without a new event raises nothing");

	hv_evtchn_notify(g, gp);
	ok(hv_evtchn_pending(b) == bp, "delivered, now masked");
	hv_evtchn_notify(g, gp);
	hv_evtchn_notify(g, gp);
	ok(hv_evtchn_pending(b) == -1 && errno == EAGAIN,
	    "masked: events while masked are not delivered");
	ok(hv_evtchn_unmask(b, bp) == 0 && readable(bfd, 1000) &&
	    hv_evtchn_pending(b) == bp, "unmask re-raises the merged event");
	ok(hv_evtchn_pending(b) == -1, "only once");
	hv_evtchn_unmask(b, bp);

	gp7 = hv_evtchn_alloc_unbound(g, 7);
	ok(gp7 > 0 && hv_evtchn_bind(b, GUEST, gp7) == -1 && errno == EINVAL,
	    "bind to a port reserved for another domain: EINVAL");
	ok(hv_evtchn_bind(b, GUEST, gp) == -1 && errno == EINVAL,
	    "bind to a port already bound: EINVAL");
	ok(hv_evtchn_bind(b, GUEST, 999) == -1 && errno == EINVAL,
	    "bind to a port that does not exist: EINVAL");
	ok(hv_evtchn_bind(b, GUEST, 100000) == -1 && errno == EINVAL,
	    "bind to a port out of range: EINVAL");
	ok(hv_evtchn_bind(b, 9, 1) == -1 && errno == ESRCH,
	    "bind to a domain that does not exist: ESRCH");
	ok(hv_evtchn_notify(g, gp7) == 0,
	    "notify on an unbound port succeeds silently");
	ok(hv_evtchn_notify(b, 900) == -1 && errno == ENOTCONN,
	    "notify on a port not bound by the handle: ENOTCONN");
	ok(hv_evtchn_notify(b, 100000) == -1 && errno == EINVAL,
	    "notify on a port out of range: EINVAL");
	ok(hv_evtchn_notify(b, -1) == -1 && errno == EINVAL,
	    "notify on a negative port: EINVAL");

	ok(hv_evtchn_unbind(b, bp) == 0, "backend unbinds");
	ok(hv_evtchn_notify(b, bp) == -1 && errno == ENOTCONN,
	    "notify on the closed port: ENOTCONN");
	ok(hv_evtchn_notify(g, gp) == 0 && !readable(bfd, 50) &&
	    hv_evtchn_pending(b) == -1,
	    "notify to a peer that closed succeeds, goes nowhere");
	ok(hv_evtchn_unbind(b, bp) == -1 && errno == ENOTCONN,
	    "unbind twice: ENOTCONN");
	p = hv_evtchn_bind(b, GUEST, gp);
	ok(p > 0, "the guest port is unbound again and can be rebound");
	hv_evtchn_pending(b);
	hv_evtchn_unmask(b, p);
	ok(hv_evtchn_notify(g, gp) == 0 && readable(bfd, 1000) &&
	    hv_evtchn_pending(b) == p, "and works after rebinding");
	hv_evtchn_unmask(b, p);
	ok(hv_evtchn_unbind(g, gp7) == 0 && hv_evtchn_unbind(g, gp) == 0,
	    "guest closes its ports");
	ok(hv_evtchn_notify(b, p) == 0, "notify after the peer closed: 0");
}

/*
 * Many ports per call: a busy backend takes every pending port in one
 * read and unmasks them in one write; each unmask still counts as the
 * hypercall it may cost.
 */
static void
t_evtchn_n(struct hv *b, struct hv *g)
{
	const struct hv_counts *c = hv_counts(b);
	int bfd = hv_evtchn_fd(b);
	int gp[3], bp[3], got[HV_EVTCHN_BATCH], bad[2];
	int i, j, n, seen;

	for (i = 0; i < 3; i++) {
		gp[i] = hv_evtchn_alloc_unbound(g, 0);
		bp[i] = hv_evtchn_bind(b, GUEST, gp[i]);
	}
	/* bind leaves each new port pending: take them all at once */
	n = hv_evtchn_pending_n(b, got, HV_EVTCHN_BATCH);
	ok(n == 3, "pending_n: the three new ports in one call (%d)", n);
	hv_counts_reset(b);
	ok(hv_evtchn_unmask_n(b, bp, 3) == 0 &&
	    c->hc_calls[HV_CALL_UNMASK] == 3,
	    "unmask_n of three ports: one call, three unmasks counted");
	ok(hv_evtchn_pending_n(b, got, HV_EVTCHN_BATCH) == -1 &&
	    errno == EAGAIN, "then nothing is pending: EAGAIN");

	for (i = 0; i < 3; i++)
		hv_evtchn_notify(g, gp[i]);
	ok(readable(bfd, 1000), "three guest notifies make the fd readable");
	n = hv_evtchn_pending_n(b, got, 2);
	ok(n == 2, "pending_n with room for 2 returns 2 (%d)", n);
	ok(hv_evtchn_pending_n(b, got + 2, 2) == 1,
	    "the third comes with the next call");
	seen = 0;
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			if (got[i] == bp[j])
				seen |= 1 << j;
	ok(seen == 7, "each backend port delivered exactly once");
	for (i = 0; i < 3; i++)
		hv_evtchn_notify(g, gp[i]);
	ok(hv_evtchn_pending_n(b, got, HV_EVTCHN_BATCH) == -1 &&
	    errno == EAGAIN, "delivered ports stay masked until unmasked");

	bad[0] = bp[0];
	bad[1] = -1;
	hv_counts_reset(b);
	ok(hv_evtchn_unmask_n(b, bad, 2) == -1 && errno == EINVAL &&
	    c->hc_calls[HV_CALL_UNMASK] == 0 &&
	    hv_evtchn_pending_n(b, got, HV_EVTCHN_BATCH) == -1,
	    "a bad port in the array: EINVAL, nothing unmasked");
	i = hv_evtchn_unmask_n(b, bp, 3);
	j = readable(bfd, 1000);
	n = hv_evtchn_pending_n(b, got, HV_EVTCHN_BATCH);
	ok(i == 0 && j && n == 3,
	    "unmask_n re-raises the three merged events (%d)", n);
	hv_evtchn_unmask_n(b, bp, 3);
	ok(hv_evtchn_pending_n(b, got, 0) == -1 && errno == EINVAL &&
	    hv_evtchn_pending_n(b, got, HV_EVTCHN_BATCH + 1) == -1 &&
	    errno == EINVAL && hv_evtchn_unmask_n(b, bp,
	    HV_EVTCHN_BATCH + 1) == -1 && errno == EINVAL,
	    "0 or more than HV_EVTCHN_BATCH ports: EINVAL");
	ok(hv_evtchn_unmask_n(b, bp, 0) == 0, "unmasking no port is a no-op");
	for (i = 0; i < 3; i++) {
		hv_evtchn_unbind(b, bp[i]);
		hv_evtchn_unbind(g, gp[i]);
	}
}

/*
 * The guest in another process: event channels across processes; the
 * child also maps a grant as a second backend, then dies without
 * cleaning up.
 */
static void
t_fork(struct hv *b, struct simdom *sm)
{
	struct hv *g2;
	uint32_t ref;
	int fds[2], bp = -1, gp = -1, st = -1;
	char c = 0;
	pid_t pid;

	if (pipe(fds) == -1) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	ref = simdom_grant(sm, 50, 0, 0);
	fflush(stdout);
	if ((pid = fork()) == -1) {
		ok(0, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		struct hv *g = hv_open("sim", simdir, GUEST);
		struct hv *b2 = hv_open("sim", simdir, 0);
		int rc = 1;

		if (g != NULL && b2 != NULL &&
		    hv_map(b2, GUEST, &ref, 1, 1) != NULL &&
		    (gp = hv_evtchn_alloc_unbound(g, 0)) > 0 &&
		    write(fds[1], &gp, sizeof(gp)) == sizeof(gp) &&
		    readable(hv_evtchn_fd(g), 5000) &&
		    hv_evtchn_pending(g) == gp &&
		    hv_evtchn_notify(g, gp) == 0)
			rc = 0;
		/* Wait for the parent's go, then die without hv_close. */
		if (read(fds[0], &c, 1) != 1)
			rc = 1;
		_exit(rc);
	}
	if (read(fds[0], &gp, sizeof(gp)) != sizeof(gp))
		gp = -1;
	ok(gp > 0, "child guest allocated port %d", gp);
	bp = hv_evtchn_bind(b, GUEST, gp);
	hv_evtchn_pending(b);	/* the event left by bind */
	hv_evtchn_unmask(b, bp);
	ok(bp > 0 && hv_evtchn_notify(b, bp) == 0 &&
	    readable(hv_evtchn_fd(b), 5000) && hv_evtchn_pending(b) == bp,
	    "notify to another process and back");
	ok(simdom_ungrant(sm, ref) == -1 && errno == EBUSY,
	    "grant mapped by the live child: EBUSY");
	ok(write(fds[1], &c, 1) == 1, "told the child to exit");
	ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "child guest saw the event");
	ok(simdom_ungrant(sm, ref) == 0,
	    "once the child died, its mapping is reaped and ungrant works");
	ok(hv_evtchn_notify(b, bp) == 0, "notify after the child died: 0");
	g2 = hv_open("sim", simdir, GUEST);
	ok(g2 != NULL && hv_evtchn_alloc_unbound(g2, 0) == gp,
	    "the dead child's port is reaped by the next hv_open");
	hv_evtchn_unbind(b, bp);
	bp = hv_evtchn_bind(b, GUEST, gp);
	ok(bp > 0 && hv_evtchn_notify(b, bp) == 0 && g2 != NULL &&
	    readable(hv_evtchn_fd(g2), 1000) && hv_evtchn_pending(g2) == gp,
	    "the new guest handle's port works");
	hv_close(g2);
	hv_evtchn_pending(b);
	hv_evtchn_unbind(b, bp);
	close(fds[0]);
	close(fds[1]);
}

/* A domain that is dying but not yet gone. */
static void
t_dying(struct hv *b)
{
	char path[4096];
	struct simrun_info *info = NULL;
	struct hv_dominfo di;
	struct simdom *sm;
	hv_copy_seg s;
	uint8_t buf[16];
	uint32_t ref;
	int fd;

	simdom_create(simdir, OTHER, 4);
	sm = simdom_attach(simdir, OTHER);
	ref = simdom_grant(sm, 1, 0, 0);
	ok(simdom_set_shutdown(simdir, OTHER) == 0 &&
	    hv_dominfo(b, OTHER, &di) == 0 && di.hd_exists &&
	    di.hd_shutdown && !di.hd_dying, "dominfo: shut down");
	snprintf(path, sizeof(path), "%s/dom%d/info", simdir, OTHER);
	if ((fd = open(path, O_RDWR)) != -1) {
		info = mmap(NULL, sizeof(*info), PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
		close(fd);
	}
	if (info == NULL || info == MAP_FAILED) {
		ok(0, "map %s", path);
		return;
	}
	info->si_dying = 1;
	ok(hv_dominfo(b, OTHER, &di) == 0 && di.hd_exists && di.hd_dying,
	    "dominfo: dying");
	seg_from_guest(&s, OTHER, ref, 0, buf, sizeof(buf));
	ok(copy1(b, &s) == GNTST_bad_domain, "copy from a dying domain: "
	    "GNTST_bad_domain");
	ok(hv_map(b, OTHER, &ref, 1, 0) == NULL && errno == ESRCH,
	    "map from a dying domain: ESRCH");
	ok(!simdom_alive(sm), "simdom_alive: 0 when dying");
	info->si_dying = 0;
	munmap(info, sizeof(*info));
	simdom_detach(sm);
	ok(simdom_destroy(simdir, OTHER) == 0, "destroy it");
}

static void
t_destroy(struct hv *b, struct hv *g, struct simdom *sm)
{
	struct hv_dominfo di;
	struct simdom *sm2;
	hv_copy_seg s;
	uint8_t buf[16], *m;
	uint32_t ref;
	int gp, bp;

	ref = simdom_grant(sm, 40, 0, 0);
	((uint8_t *)simdom_page(sm, 40))[0] = 0x42;
	m = hv_map(b, GUEST, &ref, 1, 0);
	gp = hv_evtchn_alloc_unbound(g, 0);
	bp = hv_evtchn_bind(b, GUEST, gp);
	hv_evtchn_pending(b);
	hv_evtchn_unmask(b, bp);

	ok(simdom_destroy(simdir, GUEST) == 0, "simdom_destroy dom%d", GUEST);
	ok(simdom_destroy(simdir, GUEST) == -1 && errno == ESRCH,
	    "destroy twice: ESRCH");
	ok(!simdom_alive(sm), "the guest's attachment sees it destroyed");
	ok(hv_dominfo(b, GUEST, &di) == 0 && !di.hd_exists,
	    "dominfo: gone");
	seg_from_guest(&s, GUEST, ref, 0, buf, sizeof(buf));
	ok(copy1(b, &s) == GNTST_bad_domain,
	    "copy from a destroyed domain: GNTST_bad_domain");
	ok(hv_map(b, GUEST, &ref, 1, 0) == NULL && errno == ESRCH,
	    "map from a destroyed domain: ESRCH");
	ok(m != NULL && m[0] == 0x42,
	    "an existing mapping stays valid memory");
	ok(m != NULL && hv_unmap(b, m, 1) == 0, "and can be unmapped");
	ok(hv_evtchn_notify(b, bp) == 0 && hv_evtchn_pending(b) == -1,
	    "notify to the destroyed guest: 0, nothing");
	ok(hv_evtchn_bind(b, GUEST, gp) == -1 && errno == ESRCH,
	    "bind to the destroyed guest: ESRCH");
	hv_evtchn_unbind(b, bp);

	ok(simdom_create(simdir, GUEST, 8) == 0 &&
	    (sm2 = simdom_attach(simdir, GUEST)) != NULL,
	    "the domid can be reused");
	ref = simdom_grant(sm2, 7, 0, 1);
	((uint8_t *)simdom_page(sm2, 7))[3] = 0x99;
	memset(buf, 0, sizeof(buf));
	seg_from_guest(&s, GUEST, ref, 0, buf, sizeof(buf));
	ok(copy1(b, &s) == GNTST_okay && buf[3] == 0x99,
	    "the backend reaches the new domain, not the cached old one");
	simdom_detach(sm2);
	ok(simdom_destroy(simdir, GUEST) == 0, "destroy the new one");
}

static void
t_cost(struct hv *b, struct simdom *sm)
{
	struct hv *h;
	hv_copy_seg s;
	uint8_t buf[8];
	double t0, t1;
	int ref, i;

	ref = simdom_grant(sm, 2, 0, 1);
	seg_from_guest(&s, GUEST, ref, 0, buf, sizeof(buf));
	hv_set_cost(b, 1000000);
	t0 = now_ms();
	for (i = 0; i < 10; i++)
		hv_copy(b, &s, 1);
	t1 = now_ms();
	hv_set_cost(b, 0);
	ok(t1 - t0 >= 10.0, "cost 1 ms: 10 hypercalls take >= 10 ms "
	    "(%.2f ms)", t1 - t0);
	t0 = now_ms();
	for (i = 0; i < 10; i++)
		hv_copy(b, &s, 1);
	t1 = now_ms();
	ok(t1 - t0 < 5.0, "cost 0: 10 hypercalls are fast (%.3f ms)",
	    t1 - t0);

	setenv("XENNET_SIM_HCALL_NS", "junk", 1);
	ok(hv_open("sim", simdir, 0) == NULL && errno == EINVAL,
	    "bad $XENNET_SIM_HCALL_NS: EINVAL");
	setenv("XENNET_SIM_HCALL_NS", "2000000", 1);
	h = hv_open("sim", simdir, 0);
	unsetenv("XENNET_SIM_HCALL_NS");
	t0 = now_ms();
	if (h != NULL)
		hv_copy(h, &s, 1);
	t1 = now_ms();
	ok(h != NULL && t1 - t0 >= 2.0,
	    "$XENNET_SIM_HCALL_NS=2000000: one hypercall takes >= 2 ms");
	hv_close(h);
	simdom_ungrant(sm, ref);
}

/* Not a test: time batch vs single copies, for the benchmark notes. */
static void
t_bench(struct hv *b, struct simdom *sm)
{
	static const unsigned long costs[] = { 0, 1000 };
	hv_copy_seg s[64];
	uint8_t buf[64 * 64];
	double t0, tb, ts;
	int ref, i, j, rounds = 2000;
	size_t k;

	ref = simdom_grant(sm, 11, 0, 1);
	for (i = 0; i < 64; i++)
		seg_from_guest(&s[i], GUEST, ref, i * 64, buf + i * 64, 64);
	for (k = 0; k < sizeof(costs) / sizeof(costs[0]); k++) {
		hv_set_cost(b, costs[k]);
		t0 = now_ms();
		for (j = 0; j < rounds; j++)
			hv_copy(b, s, 64);
		tb = (now_ms() - t0) * 1e6 / rounds;
		t0 = now_ms();
		for (j = 0; j < rounds; j++)
			for (i = 0; i < 64; i++)
				hv_copy(b, &s[i], 1);
		ts = (now_ms() - t0) * 1e6 / rounds;
		diag("bench cost %lu ns: 64 segs x 64 B as 1 hv_copy %.0f ns, "
		    "as 64 hv_copy %.0f ns", costs[k], tb, ts);
	}
	hv_set_cost(b, 0);
	simdom_ungrant(sm, ref);
}

int
main(void)
{
	struct hv *b, *g;
	struct simdom *sm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	unsetenv("XENNET_SIM_HCALL_NS");
	if (rundir_mkdir(simdir) == -1) {
		skip_all("mkdtemp failed");
		return (0);
	}

	t_setup(&b, &g, &sm);
	t_copy(b, sm);
	t_counts(b, sm);
	t_map(b, sm);
	t_mapcopy(b, sm);
	t_evtchn(b, g);
	t_evtchn_n(b, g);
	t_fork(b, sm);
	t_dying(b);
	t_cost(b, sm);
	t_bench(b, sm);
	t_destroy(b, g, sm);

	ok(handle_files("maps") == 1 && handle_files("evtchn") == 2,
	    "each open handle has a socket, the mapper a map log");
	simdom_detach(sm);
	hv_close(g);
	hv_close(b);
	ok(handle_files("maps") == 0 && handle_files("evtchn") == 0,
	    "hv_close removes them");
	return (done_testing());
}
