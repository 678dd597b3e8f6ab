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
 * xenstored-sim: a xenstore daemon without Xen, for tests and demos.
 *
 *	xenstored-sim -s socket [-DF] [-I domid]... [-p pidfile]
 *
 * It serves the xs_wire.h protocol on the unix socket given with -s, to
 * privileged (dom0) clients, and, for every introduced domain N (XS_INTRODUCE
 * or -I N), on "<socket>.dN", whose clients act as domain N: unprivileged,
 * permission-checked, relative paths under /local/domain/N.
 *
 * With a pid file (-p) and without -F it goes to the background once the
 * sockets exist, the parent writing the pid file and exiting, so that
 * the socket is usable as soon as the command returns.  Without -p it
 * stays in the foreground (the caller's $! is the daemon), as with -F.
 * SIGTERM, SIGINT and SIGHUP make it close everything, remove its sockets
 * and pid file and exit 0.  -D logs every request and reply to stderr.
 *
 * This file: options, the sockets, the connections and their buffers,
 * the domains and the poll loop.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsd.h"
#include "num.h"

#define MAX_PREINTRO	64
#define IN_MINCAP	8192

enum slot_kind { SLOT_SIGNAL, SLOT_MAIN, SLOT_DOMAIN, SLOT_CONN };

/* What a pollfd entry of the loop stands for. */
struct slot {
	enum slot_kind	 s_kind;
	void		*s_ptr;
};

static void	 usage(void) __attribute__((noreturn));
static void	 xsd_on_signal(int);
static int	 xsd_signals(void);
static int	 xsd_pidfile(const char *, pid_t);
static int	 xsd_daemonize(void);
static int	 xsd_loop(void);
static void	 xsd_cleanup(void);
static int	 sock_listen(const char *);
static int	 sock_nonblock(int);
static void	 conn_accept(int, struct domain *);
static void	 conn_read(struct conn *);
static void	 conn_process(struct conn *);
static int	 conn_reserve(char **, size_t *, size_t);
static void	 conn_flush(struct conn *);
static void	 conn_reap(void);

struct conn	*xsd_conns;
struct domain	*xsd_domains;

static const char	*xsd_sock;
static const char	*xsd_pidpath;
static int		 xsd_mainfd = -1;
static int		 xsd_sigfds[2] = { -1, -1 };
static volatile sig_atomic_t xsd_quit;
static unsigned int	 xsd_nconns;
static unsigned int	 xsd_serial;
static int		 xsd_foreground;
static int		 xsd_pid_written;

static void
usage(void)
{

	fprintf(stderr, "usage: xenstored-sim -s socket [-DF] [-I domid] "
	    "[-p pidfile]\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	unsigned int pre[MAX_PREINTRO], npre = 0, i;
	unsigned long long v;
	int ch, fresh, rc, verbose = 0;

	slog_init("xenstored-sim", 0);
	while ((ch = getopt(argc, argv, "DFI:p:s:")) != -1) {
		switch (ch) {
		case 'D':
			verbose = 1;
			break;
		case 'F':
			xsd_foreground = 1;
			break;
		case 'I':
			if (num_parse(optarg, XSD_DOMID_MAX, &v) == -1 ||
			    v < 1)
				slog_fatalx("bad domain id '%s' (1-%d)",
				    optarg, XSD_DOMID_MAX);
			if (npre == MAX_PREINTRO)
				slog_fatalx("more than %d -I", MAX_PREINTRO);
			pre[npre++] = (unsigned int)v;
			break;
		case 'p':
			xsd_pidpath = optarg;
			break;
		case 's':
			xsd_sock = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || xsd_sock == NULL)
		usage();
	slog_init("xenstored-sim", verbose);
	setvbuf(stderr, NULL, _IOLBF, 0);

	if (xsd_signals() == -1 || tree_init() == -1 || watch_init() == -1) {
		slog_warn("cannot start");
		xsd_cleanup();
		exit(1);
	}
	if ((xsd_mainfd = sock_listen(xsd_sock)) == -1) {
		slog_warn("%s", xsd_sock);
		xsd_cleanup();
		exit(1);
	}
	for (i = 0; i < npre; i++)
		if (dom_introduce(pre[i], &fresh) == -1) {
			slog_warn("-I %u", pre[i]);
			xsd_cleanup();
			exit(1);
		}
	if (!xsd_foreground && xsd_pidpath != NULL) {
		if (xsd_daemonize() == -1) {
			slog_warn("cannot daemonize");
			xsd_cleanup();
			exit(1);
		}
	} else if (xsd_pidpath != NULL) {
		if (xsd_pidfile(xsd_pidpath, getpid()) == -1) {
			slog_warn("%s", xsd_pidpath);
			xsd_cleanup();
			exit(1);
		}
		xsd_pid_written = 1;
	}
	slog_debug("serving %s", xsd_sock);
	rc = xsd_loop();
	slog_debug("exiting");
	xsd_cleanup();
	return (rc == -1 ? 1 : 0);
}

/*
 * xsd_printable
 * A printable form of a payload for the debug log, in a static buffer:
 * nul bytes as '|' (the notation of xenstore.txt), other unprintable
 * bytes as '.', cut after 100 bytes.
 */
const char *
xsd_printable(const char *buf, size_t len)
{
	static char out[108];
	size_t i, n = len > 100 ? 100 : len;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\0')
			out[i] = '|';
		else if (buf[i] < 0x20 || buf[i] > 0x7e)
			out[i] = '.';
		else
			out[i] = buf[i];
	}
	out[i] = '\0';
	if (n < len)
		memcpy(out + i, "...", sizeof("..."));
	return (out);
}

/* xsd_on_signal: SIGTERM/SIGINT/SIGHUP: wake the loop up to exit. */
static void
xsd_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	ssize_t n;

	xsd_quit = 1;
	/* a full pipe already wakes the loop: nothing to do if this fails */
	n = write(xsd_sigfds[1], &c, 1);
	(void)n;
	errno = saved;
}

/*
 * xsd_signals
 * Ignore SIGPIPE (a peer that goes away is seen by write()), and make
 * SIGTERM, SIGINT and SIGHUP write to a pipe the loop polls.  Returns 0
 * or -1.
 */
static int
xsd_signals(void)
{
	struct sigaction sa;

	if (pipe(xsd_sigfds) == -1)
		return (-1);
	if (sock_nonblock(xsd_sigfds[0]) == -1 ||
	    sock_nonblock(xsd_sigfds[1]) == -1)
		return (-1);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		return (-1);
	sa.sa_handler = xsd_on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		return (-1);
	return (0);
}

/* xsd_pidfile: write pid to path.  Returns 0 or -1 with errno. */
static int
xsd_pidfile(const char *path, pid_t pid)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return (-1);
	fprintf(f, "%ld\n", (long)pid);
	if (fclose(f) == EOF)
		return (-1);
	return (0);
}

/*
 * xsd_daemonize
 * Go to the background: the parent writes the child's pid to the pid
 * file -p (so that it exists when the command returns) and exits; the child
 * starts a new session with stdin and stdout (and stderr unless -D) on
 * /dev/null.  Returns 0 in the child, -1 with errno on failure.
 */
static int
xsd_daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid > 0) {
		if (xsd_pidfile(xsd_pidpath, pid) == -1) {
			slog_warn("%s", xsd_pidpath);
			(void)kill(pid, SIGTERM);
			_exit(1);
		}
		_exit(0);
	}
	xsd_pid_written = 1;
	(void)setsid();
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return (-1);
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	if (slog_verbosity() == 0)
		(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		(void)close(fd);
	return (0);
}

/* sock_nonblock: make fd non-blocking and close-on-exec. */
static int
sock_nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return (-1);
	return (0);
}

/*
 * sock_listen
 * Create a listening unix stream socket at path.  A stale socket left
 * there (nobody accepts on it) is replaced; a live one or another kind
 * of file is an error (EADDRINUSE).  Returns the socket or -1 with errno.
 */
static int
sock_listen(const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, probe, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			errno = EADDRINUSE;
			return (-1);
		}
		if ((probe = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			return (-1);
		if (connect(probe, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			(void)close(probe);
			errno = EADDRINUSE;
			return (-1);
		}
		(void)close(probe);
		(void)unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (sock_nonblock(fd) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		goto fail;
	if (listen(fd, 64) == -1) {
		saved = errno;
		(void)unlink(path);
		errno = saved;
		goto fail;
	}
	return (fd);
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return (-1);
}

/*
 * xsd_loop
 * Serve until SIGTERM/SIGINT: poll the signal pipe, the listening
 * sockets (while there is room for connections) and the connections
 * (for input, and for output while some is pending); closed connections
 * and released domains are freed at the end of each round, never while
 * a request is being handled.  Returns 0, or -1 if poll() fails.
 */
static int
xsd_loop(void)
{
	struct pollfd *pfd = NULL, *np;
	struct slot *slot = NULL, *ns;
	struct domain *d;
	struct conn *c;
	size_t cap = 0, want, n, i;
	char buf[64];

	while (!xsd_quit) {
		for (c = xsd_conns; c != NULL; c = c->c_next)
			if (!c->c_dead && c->c_outlen > c->c_outoff)
				conn_flush(c);
		conn_reap();
		want = 2 + xsd_nconns;
		for (d = xsd_domains; d != NULL; d = d->d_next)
			want++;
		if (want > cap) {
			if ((np = reallocarray(pfd, want, sizeof(*pfd))) ==
			    NULL)
				goto fail;
			pfd = np;
			if ((ns = reallocarray(slot, want, sizeof(*slot))) ==
			    NULL)
				goto fail;
			slot = ns;
			cap = want;
		}
		n = 0;
		pfd[n].fd = xsd_sigfds[0];
		pfd[n].events = POLLIN;
		slot[n++].s_kind = SLOT_SIGNAL;
		if (xsd_nconns < XSD_MAX_CONNS) {
			pfd[n].fd = xsd_mainfd;
			pfd[n].events = POLLIN;
			slot[n++].s_kind = SLOT_MAIN;
			for (d = xsd_domains; d != NULL; d = d->d_next) {
				if (d->d_dead)
					continue;
				pfd[n].fd = d->d_fd;
				pfd[n].events = POLLIN;
				slot[n].s_kind = SLOT_DOMAIN;
				slot[n++].s_ptr = d;
			}
		}
		for (c = xsd_conns; c != NULL; c = c->c_next) {
			pfd[n].fd = c->c_fd;
			pfd[n].events = POLLIN;
			if (c->c_outlen > c->c_outoff)
				pfd[n].events |= POLLOUT;
			slot[n].s_kind = SLOT_CONN;
			slot[n++].s_ptr = c;
		}
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			slog_warn("poll");
			goto fail;
		}
		for (i = 0; i < n && !xsd_quit; i++) {
			if (pfd[i].revents == 0)
				continue;
			switch (slot[i].s_kind) {
			case SLOT_SIGNAL:
				while (read(xsd_sigfds[0], buf,
				    sizeof(buf)) > 0)
					;
				break;
			case SLOT_MAIN:
				conn_accept(xsd_mainfd, NULL);
				break;
			case SLOT_DOMAIN:
				d = slot[i].s_ptr;
				if (!d->d_dead)
					conn_accept(d->d_fd, d);
				break;
			case SLOT_CONN:
				c = slot[i].s_ptr;
				if (!c->c_dead && (pfd[i].revents &
				    (POLLIN | POLLHUP | POLLERR)))
					conn_read(c);
				if (!c->c_dead && (pfd[i].revents & POLLOUT))
					conn_flush(c);
				break;
			}
		}
	}
	free(pfd);
	free(slot);
	return (0);
fail:
	free(pfd);
	free(slot);
	return (-1);
}

/*
 * xsd_cleanup
 * Close every connection and socket, remove the sockets and the pid
 * file, free the store.
 */
static void
xsd_cleanup(void)
{
	struct domain *d;
	struct conn *c;

	for (c = xsd_conns; c != NULL; c = c->c_next)
		conn_kill(c, NULL);
	for (d = xsd_domains; d != NULL; d = d->d_next)
		if (!d->d_dead)
			(void)dom_release(d->d_id);
	conn_reap();
	if (xsd_mainfd != -1) {
		(void)close(xsd_mainfd);
		(void)unlink(xsd_sock);
		xsd_mainfd = -1;
	}
	if (xsd_pid_written)
		(void)unlink(xsd_pidpath);
	if (xsd_sigfds[0] != -1) {
		(void)close(xsd_sigfds[0]);
		(void)close(xsd_sigfds[1]);
	}
	tree_free();
	watch_cleanup();
}

/*
 * conn_accept
 * Accept the pending connections of listening socket fd: privileged ones
 * on the main socket (d NULL), connections acting as domain d otherwise.
 */
static void
conn_accept(int lfd, struct domain *d)
{
	struct conn *c;
	int fd;

	while (xsd_nconns < XSD_MAX_CONNS) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				slog_warn("accept");
			return;
		}
		if (sock_nonblock(fd) == -1 ||
		    (c = calloc(1, sizeof(*c))) == NULL) {
			slog_warn("new connection");
			(void)close(fd);
			return;
		}
		c->c_fd = fd;
		c->c_dom = d;
		c->c_id = (d != NULL) ? d->d_id : 0;
		c->c_serial = ++xsd_serial;
		c->c_next_txid = 1;
		c->c_next = xsd_conns;
		xsd_conns = c;
		xsd_nconns++;
		slog_debug("conn#%u: new connection as dom%u%s", c->c_serial,
		    c->c_id, d == NULL ? " (privileged)" : "");
	}
}

/*
 * conn_reserve
 * Make *bufp (of *capp bytes) hold at least need bytes, doubling.
 * Returns 0 or -1 with errno ENOMEM.
 */
static int
conn_reserve(char **bufp, size_t *capp, size_t need)
{
	size_t cap = *capp ? *capp : IN_MINCAP;
	char *b;

	if (need <= *capp)
		return (0);
	while (cap < need)
		cap *= 2;
	if ((b = realloc(*bufp, cap)) == NULL)
		return (-1);
	*bufp = b;
	*capp = cap;
	return (0);
}

/*
 * conn_read
 * Read what connection c sent and handle every complete request; end of
 * file or an error closes the connection.
 */
static void
conn_read(struct conn *c)
{
	ssize_t n;

	if (c->c_inlen == c->c_incap &&
	    conn_reserve(&c->c_in, &c->c_incap,
	    c->c_inlen + IN_MINCAP) == -1) {
		conn_kill(c, "out of memory for input");
		return;
	}
	n = read(c->c_fd, c->c_in + c->c_inlen, c->c_incap - c->c_inlen);
	if (n == 0) {
		conn_kill(c, NULL);
		return;
	}
	if (n == -1) {
		if (errno == ECONNRESET)
			conn_kill(c, NULL);
		else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			conn_kill(c, strerror(errno));
		return;
	}
	c->c_inlen += (size_t)n;
	conn_process(c);
}

/*
 * conn_process
 * Handle the complete requests in the input buffer of c and keep the
 * incomplete rest, making room for it.  A header announcing more than
 * XSD_IN_MAX bytes of payload closes the connection (the stream cannot
 * be trusted any more); up to that, too long a payload is read and
 * answered with E2BIG.
 */
static void
conn_process(struct conn *c)
{
	struct xsd_sockmsg hdr;
	size_t off = 0;

	while (!c->c_dead && c->c_inlen - off >= XSD_HDRLEN) {
		memcpy(&hdr, c->c_in + off, XSD_HDRLEN);
		if (hdr.len > XSD_IN_MAX) {
			slog_warnx("conn#%u: request of %u bytes, closing",
			    c->c_serial, hdr.len);
			conn_kill(c, NULL);
			return;
		}
		if (c->c_inlen - off < XSD_HDRLEN + hdr.len)
			break;
		op_dispatch(c, &hdr, c->c_in + off + XSD_HDRLEN);
		off += XSD_HDRLEN + hdr.len;
	}
	if (c->c_dead)
		return;
	if (off > 0) {
		memmove(c->c_in, c->c_in + off, c->c_inlen - off);
		c->c_inlen -= off;
	}
	if (c->c_inlen >= XSD_HDRLEN) {
		memcpy(&hdr, c->c_in, XSD_HDRLEN);
		if (conn_reserve(&c->c_in, &c->c_incap,
		    XSD_HDRLEN + hdr.len + 1) == -1)
			conn_kill(c, "out of memory for input");
	}
}

/*
 * conn_send
 * Queue a message (header with type, req_id, tx_id, then len bytes of
 * data) for connection c.  A client that lets more than XSD_OUT_MAX
 * bytes pile up is disconnected.
 */
void
conn_send(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
    const void *data, size_t len)
{
	struct xsd_sockmsg hdr;
	size_t pending;

	if (c->c_dead)
		return;
	pending = c->c_outlen - c->c_outoff;
	if (pending + XSD_HDRLEN + len > XSD_OUT_MAX) {
		conn_kill(c, "too much output pending");
		return;
	}
	if (c->c_outoff > 0) {
		memmove(c->c_out, c->c_out + c->c_outoff, pending);
		c->c_outoff = 0;
		c->c_outlen = pending;
	}
	if (conn_reserve(&c->c_out, &c->c_outcap,
	    c->c_outlen + XSD_HDRLEN + len) == -1) {
		conn_kill(c, "out of memory for output");
		return;
	}
	hdr.type = type;
	hdr.req_id = req_id;
	hdr.tx_id = tx_id;
	hdr.len = (uint32_t)len;
	memcpy(c->c_out + c->c_outlen, &hdr, XSD_HDRLEN);
	if (len > 0)
		memcpy(c->c_out + c->c_outlen + XSD_HDRLEN, data, len);
	c->c_outlen += XSD_HDRLEN + len;
	if (slog_verbosity() > 0)
		slog_debug("conn#%u dom%u < %s req %u tx %u \"%s\"",
		    c->c_serial, c->c_id, op_name(type), req_id, tx_id,
		    xsd_printable(data, len));
}

/*
 * conn_flush
 * Write as much pending output of c as the socket takes; an error
 * closes the connection.
 */
static void
conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->c_outoff < c->c_outlen) {
		n = write(c->c_fd, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				conn_kill(c, NULL);
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_kill(c, strerror(errno));
			return;
		}
		c->c_outoff += (size_t)n;
	}
	c->c_outoff = c->c_outlen = 0;
}

/*
 * conn_kill
 * Mark connection c closed (why: reason for the log, NULL for a normal
 * close); it is freed at the end of the loop round.
 */
void
conn_kill(struct conn *c, const char *why)
{

	if (c->c_dead)
		return;
	c->c_dead = 1;
	if (why != NULL)
		slog_warnx("conn#%u: closing: %s", c->c_serial, why);
	else
		slog_debug("conn#%u: closed", c->c_serial);
}

/*
 * conn_reap
 * Free the closed connections (their watches and transactions go with
 * them), then the released domains.
 */
static void
conn_reap(void)
{
	struct domain **dp, *d;
	struct conn **pp, *c;

	for (pp = &xsd_conns; (c = *pp) != NULL;) {
		if (!c->c_dead) {
			pp = &c->c_next;
			continue;
		}
		*pp = c->c_next;
		(void)close(c->c_fd);
		watch_free_all(c);
		tx_free_all(c);
		free(c->c_in);
		free(c->c_out);
		free(c);
		xsd_nconns--;
	}
	for (dp = &xsd_domains; (d = *dp) != NULL;) {
		if (!d->d_dead) {
			dp = &d->d_next;
			continue;
		}
		*dp = d->d_next;
		free(d->d_sock);
		free(d);
	}
}

/* dom_find: the introduced (not released) domain domid, or NULL. */
struct domain *
dom_find(unsigned int domid)
{
	struct domain *d;

	for (d = xsd_domains; d != NULL; d = d->d_next)
		if (!d->d_dead && d->d_id == domid)
			return (d);
	return (NULL);
}

/*
 * dom_introduce
 * Introduce domain domid: create its socket "<socket>.d<domid>".  *fresh
 * tells whether it was not introduced before (nothing is done then).
 * Returns 0, or -1 with errno.
 */
int
dom_introduce(unsigned int domid, int *fresh)
{
	struct domain *d;

	*fresh = 0;
	if (dom_find(domid) != NULL)
		return (0);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return (-1);
	if (asprintf(&d->d_sock, "%s.d%u", xsd_sock, domid) == -1) {
		free(d);
		errno = ENOMEM;
		return (-1);
	}
	if ((d->d_fd = sock_listen(d->d_sock)) == -1) {
		slog_warn("%s", d->d_sock);
		free(d->d_sock);
		free(d);
		return (-1);
	}
	d->d_id = domid;
	d->d_next = xsd_domains;
	xsd_domains = d;
	*fresh = 1;
	slog_debug("domain %u introduced: %s", domid, d->d_sock);
	return (0);
}

/*
 * dom_release
 * Release domain domid: close and remove its socket and close its
 * connections (freed at the end of the loop round).  Returns 0, or -1
 * with errno ENOENT when the domain is not introduced.
 */
int
dom_release(unsigned int domid)
{
	struct domain *d;
	struct conn *c;

	if ((d = dom_find(domid)) == NULL) {
		errno = ENOENT;
		return (-1);
	}
	(void)close(d->d_fd);
	(void)unlink(d->d_sock);
	d->d_fd = -1;
	d->d_dead = 1;
	for (c = xsd_conns; c != NULL; c = c->c_next)
		if (c->c_dom == d)
			conn_kill(c, NULL);
	slog_debug("domain %u released", domid);
	return (0);
}
