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
 * The private run directory of a unit test of the sim provider, shared
 * by tests/unit/t_hv.c and t_ring.c: rundir_mkdir() makes it and arranges
 * for it to be removed however the test ends (exit, a fatal signal, an
 * ASan report).  Header-only, like ../tap.h.
 */
#ifndef XENNET_RUNDIR_H
#define XENNET_RUNDIR_H

#include <sys/stat.h>
#include <sys/types.h>

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hv.h"
#include "../sim/simdom.h"
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

static const char	*rundir_path;	/* NULL until made, and once removed */
static pid_t		 rundir_owner;	/* the process that made it */

static int	 rundir_rm(const char *, const struct stat *, int,
		    struct FTW *);
static void	 rundir_cleanup(void);
static void	 rundir_signal(int);
static int	 rundir_mkdir(char *);
static int	 rundir_guest(const char *, uint32_t, unsigned int,
		    struct simdom **, struct hv **, struct hv **)
		    __attribute__((unused));

static int
rundir_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{

	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return (0);
}

/*
 * rundir_cleanup: remove the run directory and all in it, once, and only
 * in the process that made it (not in a forked child that exits).
 */
static void
rundir_cleanup(void)
{

	if (rundir_path == NULL || getpid() != rundir_owner)
		return;
	(void)nftw(rundir_path, rundir_rm, 16, FTW_DEPTH | FTW_PHYS);
	rundir_path = NULL;
}

/* rundir_signal: clean up, then die of the signal as if not caught. */
static void
rundir_signal(int sig)
{

	rundir_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * rundir_mkdir: make the run directory from the mkdtemp(3) template tmpl
 * (which keeps its name) and have it removed at exit, on SIGINT, SIGTERM,
 * SIGABRT, SIGSEGV and SIGBUS, and when ASan reports an error (it skips
 * atexit).  Returns 0, or -1 with errno if mkdtemp failed.
 */
static int
rundir_mkdir(char *tmpl)
{

	if (mkdtemp(tmpl) == NULL)
		return (-1);
	rundir_path = tmpl;
	rundir_owner = getpid();
	atexit(rundir_cleanup);
	signal(SIGINT, rundir_signal);
	signal(SIGTERM, rundir_signal);
	signal(SIGABRT, rundir_signal);
	signal(SIGSEGV, rundir_signal);
	signal(SIGBUS, rundir_signal);
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_set_death_callback(rundir_cleanup);
#endif
	return (0);
}

/*
 * rundir_guest: in the run directory dir, a simulated guest domid of
 * npages pages attached as *sd, a backend (domain 0) hv handle *bhv and
 * the guest's own *ghv.  Returns 0, or -1 with errno.
 */
static int
rundir_guest(const char *dir, uint32_t domid, unsigned int npages,
    struct simdom **sd, struct hv **bhv, struct hv **ghv)
{

	if (simdom_create(dir, domid, npages) == -1 ||
	    (*sd = simdom_attach(dir, domid)) == NULL ||
	    (*bhv = hv_open("sim", dir, 0)) == NULL ||
	    (*ghv = hv_open("sim", dir, domid)) == NULL)
		return (-1);
	return (0);
}

#endif /* XENNET_RUNDIR_H */
