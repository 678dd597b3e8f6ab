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
 * The pid file: one xennetd per pid file, since two would serve the same
 * vifs.  It is opened and locked before anything else is set up and stays
 * open and locked for the daemon's life.  The lock is flock(2)'s, which
 * belongs to the open file and so survives the fork into the background
 * (an fcntl lock belongs to a process and would not).  The pid is written
 * once the final process is known.  A second daemon finds the lock held,
 * names the holder and refuses; a file left behind by a daemon that was
 * killed is not locked and is taken over.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

#define PIDFILE_TRIES	10	/* races lost to an exiting daemon */
#define PIDFILE_WAIT_MS	2000	/* for the pid of a starting daemon */

static long	pidfile_holder(int);

static int		 pidfile_fd = -1;
static char		 pidfile_path[PATH_MAX];
static pid_t		 pidfile_pid = -1;	/* the pid we wrote */

/*
 * pidfile_holder: the pid written in the locked file fd, or -1 if none
 * appears within PIDFILE_WAIT_MS (the holder may be starting: it locks
 * first and writes its pid once in the background).
 */
static long
pidfile_holder(int fd)
{
	unsigned long long v;
	char buf[32];
	ssize_t n;
	int ms;

	for (ms = 0; ms < PIDFILE_WAIT_MS; ms += 50) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (num_parse(buf, INT_MAX, &v) == 0 && v > 0)
				return ((long)v);
		}
		usleep(50 * 1000);
	}
	return (-1);
}

/*
 * pidfile_lock: open path (creating it) and lock it for this daemon's
 * life.  Exits 1 with "already running (pid N, path)" on stderr if
 * another daemon holds it; any other failure is fatal.  Call before
 * log_init so that both go to stderr.
 */
void
pidfile_lock(const char *path)
{
	struct stat sf, sp;
	long pid;
	int fd, tries, n;

	n = snprintf(pidfile_path, sizeof(pidfile_path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(pidfile_path))
		fatalx("pid file %s: name too long", path);
	for (tries = 0;; tries++) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0644)) == -1)
			fatal("pid file %s", path);
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno != EWOULDBLOCK)
				fatal("pid file %s: lock", path);
			if ((pid = pidfile_holder(fd)) > 0)
				fprintf(stderr, "xennetd: already running (pid "
				    "%ld, %s)\n", pid, path);
			else
				fprintf(stderr, "xennetd: already running "
				    "(pid not written yet, %s)\n", path);
			exit(1);
		}
		/*
		 * A daemon on its way out unlinks the file before it lets go
		 * of the lock: if we locked a file that is no longer at path,
		 * a third daemon could lock the new one.  Start again.
		 */
		if (fstat(fd, &sf) == -1)
			fatal("pid file %s", path);
		if (stat(path, &sp) == 0 && sp.st_dev == sf.st_dev &&
		    sp.st_ino == sf.st_ino)
			break;
		close(fd);
		if (tries == PIDFILE_TRIES)
			fatalx("pid file %s: keeps being replaced", path);
	}
	if (ftruncate(fd, 0) == -1)
		fatal("pid file %s", path);
	pidfile_fd = fd;
}

/*
 * pidfile_write: write our pid into the locked file (once, at startup,
 * in the final process).  From then on any exit, fatal ones included,
 * removes the file.
 */
void
pidfile_write(void)
{
	char buf[32];
	int n;

	pidfile_pid = getpid();
	if (atexit(pidfile_remove) != 0)
		fatalx("atexit failed");
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)pidfile_pid);
	if (pwrite(pidfile_fd, buf, (size_t)n, 0) != n ||
	    ftruncate(pidfile_fd, n) == -1)
		fatal("pid file %s", pidfile_path);
}

/*
 * pidfile_remove: remove the file, then let go of the lock (in this
 * order: see pidfile_lock).  Only the process that wrote it does so.
 */
void
pidfile_remove(void)
{
	if (pidfile_fd == -1 || getpid() != pidfile_pid)
		return;
	/* Privilege separation: the helper may, the daemon's user not. */
	if (priv_running()) {
		if (priv_cleanup() == -1)
			log_warn("pid file %s", pidfile_path);
	} else if (unlink(pidfile_path) == -1)
		log_warn("pid file %s", pidfile_path);
	close(pidfile_fd);
	pidfile_fd = -1;
}
