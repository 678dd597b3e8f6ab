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
 * Privilege separation: the privileged helper (xennetd(8), PRIVILEGE
 * SEPARATION).  At startup, before it drops to its user, the daemon
 * forks this small process, which stays root and does only what needs
 * root once the daemon runs: create a vif's tap (tap_open, here) and
 * pass its descriptors back, remove a tap an earlier daemon left for a
 * vif being removed (tap_discard), set the MTU or the link of a tap the
 * daemon holds (tap_set: the daemon passes the tap's descriptor, so it
 * can touch no other interface), open a capture file in the capture
 * directory of startup, open a configuration file read at startup again
 * (a reload), and remove the pid file and the control socket at the end.
 * Nothing else: no path comes from the daemon but a configuration file
 * name, which must be one read at startup, and a capture file name,
 * which must be a plain name in the capture directory.
 *
 * What the daemon does to its taps without the helper, as the kernel
 * asks no capability of a descriptor's holder for it: TUNSETQUEUE
 * (tap_queues), TUNSETOFFLOAD, TUNSETCARRIER, TUNSETPERSIST (a vif's
 * tap removed for good) and TUNGETIFF; the XDP headroom and the control
 * ring touch only the guest's rings, through descriptors it has.  What
 * it did as root before it dropped its privileges: the leftover taps'
 * sweep (vif_sweep, sysfs) and the rtnetlink socket (linkmon.c).
 *
 * They talk over a SOCK_SEQPACKET socket pair: one fixed-size request,
 * with a tap's descriptor for tap_set, one fixed-size reply with the
 * descriptors (SCM_RIGHTS).  A call blocks until the reply; a mutex
 * keeps one at a time (the main thread calls, and a worker when the
 * carrier falls back to the link's flags).  The helper checks every
 * field of every request; a malformed message (a wrong size) ends it:
 * the daemon that sent it is broken or taken over.  It ends as well
 * when the daemon closes its end (exits, or is killed: the kernel
 * closes it then).
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <net/if.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "xennetd.h"

enum priv_op {
	PRIV_TAP = 1,		/* pm_name, pm_nqueues, pm_mtu; reply:
				   pm_arg 1 an earlier daemon's, joined */
	PRIV_CAPTURE,		/* pm_name: a plain name */
	PRIV_CONF,		/* pm_name: a file read at startup */
	PRIV_CLEANUP,		/* nothing */
	PRIV_DISCARD,		/* pm_name; reply: pm_arg 1 removed */
	PRIV_TAP_SET,		/* a tap's fd, pm_arg what, pm_mtu value */
	PRIV_VHOST		/* nothing; reply: a /dev/vhost-net fd */
};

struct priv_msg {
	uint32_t	pm_op;
	int32_t		pm_errno;	/* reply: 0 or why it failed */
	uint32_t	pm_nqueues;	/* tap: queues; reply: attached */
	uint32_t	pm_mtu;		/* tap, tap_set: the value */
	uint32_t	pm_arg;		/* see enum priv_op */
	char		pm_name[PATH_MAX];
};

/* The configuration files read at startup (parse.y's pushfile). */
struct priv_file {
	TAILQ_ENTRY(priv_file)	 pf_entry;
	char			*pf_path;
};
static TAILQ_HEAD(, priv_file) priv_files =
    TAILQ_HEAD_INITIALIZER(priv_files);

static int	priv_sock = -1;		/* ours; -1: no helper */
static pthread_mutex_t priv_mtx = PTHREAD_MUTEX_INITIALIZER;	/* a call */
static char	priv_capdir[XENNETD_PATH_MAX];	/* startup's */
static char	priv_pidfile[PATH_MAX];
static char	priv_ctlsock[PATH_MAX];

static FILE	*priv_conf_open(const char *, struct stat *);
static void	priv_main(int) __attribute__((noreturn));
static void	priv_title(char **);
static void	priv_serve(int, int, struct priv_msg *, int);
static int	priv_tap(struct priv_msg *, int *);
static int	priv_discard(struct priv_msg *);
static int	priv_set(struct priv_msg *, int);
static int	priv_capture(int, struct priv_msg *);
static int	priv_conf(struct priv_msg *);
static int	priv_call(struct priv_msg *, int, int *, unsigned int);
static int	priv_send(int, struct priv_msg *, const int *,
		    unsigned int);
static ssize_t	priv_recv(int, struct priv_msg *, int *, unsigned int,
		    unsigned int *, int *);
static int	priv_plain_name(const char *);
static int	priv_tap_open(struct tap *, const char *, char *, size_t,
		    unsigned int, unsigned int);
static int	priv_tap_discard(const char *, char *, size_t);
static int	priv_tap_set(int, int, unsigned int);
static int	priv_vhost_open(void);

/* What the daemon's tap port asks the helper for (port-tap.c). */
static const struct tap_priv priv_tap_ops = {
	priv_tap_open, priv_tap_discard, priv_tap_set, priv_vhost_open
};

/*
 * priv_conf_opener: how the configuration parser opens its files
 * (parse_set_open), from startup on: priv_conf_open.
 */
parse_open_fn
priv_conf_opener(void)
{
	return (priv_conf_open);
}

/*
 * priv_conf_open: configuration file path opened for reading, its fstat
 * in *st.  Before the helper runs, the path is remembered as one the
 * helper may open again (a missing one too: the default file may appear
 * later); afterwards the helper opens it.  A stream, or NULL with errno.
 */
static FILE *
priv_conf_open(const char *path, struct stat *st)
{
	struct priv_file *pf;
	struct priv_msg m;
	FILE *fp = NULL;
	int fd, save;

	if (priv_sock == -1) {
		/* remembered even if missing: the default file may come */
		TAILQ_FOREACH(pf, &priv_files, pf_entry)
			if (strcmp(pf->pf_path, path) == 0)
				break;
		if (pf == NULL) {
			if ((pf = calloc(1, sizeof(*pf))) == NULL ||
			    (pf->pf_path = strdup(path)) == NULL) {
				free(pf);
				errno = ENOMEM;
				return (NULL);
			}
			TAILQ_INSERT_TAIL(&priv_files, pf, pf_entry);
		}
		fp = fopen(path, "re");
	} else {
		memset(&m, 0, sizeof(m));
		m.pm_op = PRIV_CONF;
		if (strlen(path) >= sizeof(m.pm_name)) {
			errno = ENAMETOOLONG;
			return (NULL);
		}
		memcpy(m.pm_name, path, strlen(path));
		if (priv_call(&m, -1, &fd, 1) != 1)
			return (NULL);
		if ((fp = fdopen(fd, "r")) == NULL)
			close(fd);
	}
	if (fp != NULL && fstat(fileno(fp), st) == -1) {
		save = errno;
		fclose(fp);
		errno = save;
		return (NULL);
	}
	return (fp);
}

/*
 * priv_start: fork the helper (startup, before any thread).  The
 * capture directory, pid file and control socket of startup are the
 * only ones it will touch.  Fatal on failure.
 */
void
priv_start(const struct xnd_config *c, char **argv)
{
	int sp[2];

	snprintf(priv_capdir, sizeof(priv_capdir), "%s", c->xc_capture_dir);
	snprintf(priv_pidfile, sizeof(priv_pidfile), "%s", c->xc_pidfile);
	snprintf(priv_ctlsock, sizeof(priv_ctlsock), "%s", c->xc_socket);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("privileged helper: socketpair");
	switch (fork()) {
	case -1:
		fatal("privileged helper: fork");
	case 0:
		close(sp[0]);
		priv_title(argv);
		priv_main(sp[1]);
		/* NOTREACHED */
	default:
		close(sp[1]);
		priv_sock = sp[0];
		tap_set_priv(&priv_tap_ops);
	}
}

/*
 * priv_title: what ps(1) shows of the helper: "xennetd: privileged
 * helper", written over the command line (argv's strings, contiguous),
 * so that nothing that counts the daemons by their command line (an
 * init script, pkill -f) takes it for one.
 */
static void
priv_title(char **argv)
{
	static const char title[] = "xennetd: privileged helper";
	char *start = argv[0], *end;
	int i;

	end = start + strlen(start) + 1;
	for (i = 1; argv[i] != NULL && argv[i] == end; i++)
		end += strlen(argv[i]) + 1;
	memset(start, 0, (size_t)(end - start));
	memcpy(start, title, (size_t)(end - start) > sizeof(title) ?
	    sizeof(title) - 1 : (size_t)(end - start) - 1);
}

/* priv_running: 1 in the daemon once the helper runs, else 0. */
int
priv_running(void)
{
	return (priv_sock != -1);
}

/*
 * priv_main: the helper.  It keeps only its end of the socket pair and
 * the capture directory, ignores the signals meant for the daemon (a
 * terminal's ^C reaches the whole process group), and serves requests
 * until the daemon goes away.
 */
static void
priv_main(int sock)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGUSR1,
	    SIGUSR2, SIGPIPE };
	struct priv_msg m;
	ssize_t n;
	size_t i;
	unsigned int nfd;
	int capfd, fd, trunc;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_IGN);
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	(void)prctl(PR_SET_NAME, "xennetd-priv");
	/*
	 * Every descriptor but the socket goes: the daemon's devices, the
	 * pid file's lock.  The log's too, first closed as the log's, so
	 * that no line goes to a descriptor that got its number; syslog(3)
	 * connects again at the next line.
	 */
	closelog();
	if (sock != STDERR_FILENO + 1) {
		if (dup2(sock, STDERR_FILENO + 1) == -1)
			_exit(1);
		close(sock);
		sock = STDERR_FILENO + 1;
	}
	if (close_range(STDERR_FILENO + 2, ~0U, 0) == -1)
		_exit(1);
	capfd = open(priv_capdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (capfd == -1)
		log_warn("privileged helper: capture-dir %s", priv_capdir);
	log_debug("privileged helper: running as pid %ld", (long)getpid());
	for (;;) {
		/* a request has one descriptor at most: a tap's */
		n = priv_recv(sock, &m, &fd, 1, &nfd, &trunc);
		if (n == 0)
			_exit(0);
		if (n != (ssize_t)sizeof(m) || trunc) {
			log_warnx("privileged helper: a request of %zd bytes "
			    "(not %zu)%s: ending", n, sizeof(m),
			    trunc ? " with more than one descriptor" : "");
			_exit(1);
		}
		priv_serve(sock, capfd, &m, nfd == 1 ? fd : -1);
		if (nfd == 1)
			close(fd);
	}
}

/*
 * priv_serve: carry out one request and reply; fd: the descriptor that
 * came with it, or -1.
 */
static void
priv_serve(int sock, int capfd, struct priv_msg *m, int fd)
{
	int fds[XENNETD_MAX_QUEUES], n = 0, i;

	/* Every name is a C string within the message. */
	if (memchr(m->pm_name, '\0', sizeof(m->pm_name)) == NULL ||
	    (fd != -1) != (m->pm_op == PRIV_TAP_SET)) {
		errno = EINVAL;
		n = -1;
	} else {
		switch (m->pm_op) {
		case PRIV_TAP:
			n = priv_tap(m, fds);
			break;
		case PRIV_CAPTURE:
			if ((fds[0] = priv_capture(capfd, m)) != -1)
				n = 1;
			else
				n = -1;
			break;
		case PRIV_CONF:
			if ((fds[0] = priv_conf(m)) != -1)
				n = 1;
			else
				n = -1;
			break;
		case PRIV_DISCARD:
			n = priv_discard(m);
			break;
		case PRIV_TAP_SET:
			n = priv_set(m, fd);
			break;
		case PRIV_VHOST:
			/* the one device, no name taken from the daemon */
			if ((fds[0] = open(TAP_VHOST_DEV, O_RDWR |
			    O_CLOEXEC)) != -1)
				n = 1;
			else
				n = -1;
			break;
		case PRIV_CLEANUP:
			if (priv_pidfile[0] != '\0')
				(void)unlink(priv_pidfile);
			if (priv_ctlsock[0] != '\0')
				(void)unlink(priv_ctlsock);
			break;
		default:
			errno = EINVAL;
			n = -1;
		}
	}
	m->pm_errno = n == -1 ? errno : 0;
	if (n == -1)
		n = 0;
	if (priv_send(sock, m, fds, (unsigned int)n) == -1)
		log_warn("privileged helper: reply");
	for (i = 0; i < n; i++)
		close(fds[i]);
}

/*
 * priv_tap: create the tap a request names: an interface name
 * (bpf_valid_ifname), 1..XENNETD_MAX_QUEUES queues, an MTU the
 * configuration could give.  Its descriptors in fds; their count, or
 * -1 with errno.
 */
static int
priv_tap(struct priv_msg *m, int *fds)
{
	struct tap tp;
	char actual[IFNAMSIZ];
	unsigned int i;

	if (!bpf_valid_ifname(m->pm_name) || m->pm_nqueues < 1 ||
	    m->pm_nqueues > XENNETD_MAX_QUEUES || m->pm_mtu < CONF_MTU_MIN ||
	    m->pm_mtu > CONF_MTU_MAX) {
		log_warnx("privileged helper: refused a tap \"%.*s\" with %u "
		    "queues, mtu %u", IFNAMSIZ, m->pm_name, m->pm_nqueues,
		    m->pm_mtu);
		errno = EINVAL;
		return (-1);
	}
	if (tap_open(&tp, m->pm_name, actual, sizeof(actual),
	    m->pm_nqueues, m->pm_mtu) == -1)
		return (-1);
	for (i = 0; i < tp.tp_nfd; i++)
		fds[i] = tp.tp_fd[i];
	memset(m->pm_name, 0, sizeof(m->pm_name));
	memcpy(m->pm_name, actual, strnlen(actual, sizeof(actual) - 1));
	m->pm_nqueues = tp.tp_nattached;
	m->pm_arg = tp.tp_reused;
	return ((int)tp.tp_nfd);
}

/*
 * priv_discard: remove the tap an earlier daemon left for the vif a
 * request names (tap_discard: only a persistent tap marked as ours for
 * that very name); its present name back in pm_name, pm_arg 1 if one
 * was removed.  0, or -1 with errno.
 */
static int
priv_discard(struct priv_msg *m)
{
	char actual[IFNAMSIZ];
	int rv;

	if (!bpf_valid_ifname(m->pm_name)) {
		log_warnx("privileged helper: refused to discard a tap "
		    "\"%.*s\"", IFNAMSIZ, m->pm_name);
		errno = EINVAL;
		return (-1);
	}
	if ((rv = tap_discard(m->pm_name, actual, sizeof(actual))) == -1)
		return (-1);
	memset(m->pm_name, 0, sizeof(m->pm_name));
	if (rv == 1)
		memcpy(m->pm_name, actual, strnlen(actual, sizeof(actual) - 1));
	m->pm_arg = (uint32_t)rv;
	return (0);
}

/*
 * priv_set: the MTU (68..65535, as the configuration could give) or the
 * link of the tap whose descriptor fd came with the request: one the
 * daemon holds.  A descriptor that is no tap's is refused by the kernel
 * (TUNGETIFF, in tap_set).  0, or -1 with errno.
 */
static int
priv_set(struct priv_msg *m, int fd)
{
	if ((m->pm_arg == TAP_SET_MTU && (m->pm_mtu < CONF_MTU_MIN ||
	    m->pm_mtu > CONF_MTU_MAX)) || (m->pm_arg == TAP_SET_UP &&
	    m->pm_mtu > 1) || (m->pm_arg != TAP_SET_MTU &&
	    m->pm_arg != TAP_SET_UP)) {
		log_warnx("privileged helper: refused to set %u to %u on a "
		    "tap", m->pm_arg, m->pm_mtu);
		errno = EINVAL;
		return (-1);
	}
	return (tap_set(fd, (int)m->pm_arg, m->pm_mtu));
}

/*
 * priv_capture: create or open the capture file a request names: a
 * plain name in the capture directory of startup, a regular file, not
 * through a symbolic link, mode 0600.  The descriptor, or -1 with
 * errno.
 */
static int
priv_capture(int capfd, struct priv_msg *m)
{
	struct stat st;
	int fd;

	if (capfd == -1) {
		errno = ENOENT;
		return (-1);
	}
	if (!priv_plain_name(m->pm_name)) {
		errno = EINVAL;
		return (-1);
	}
	if (fstatat(capfd, m->pm_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return (-1);
	}
	if ((fd = openat(capfd, m->pm_name, O_WRONLY | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600)) == -1)
		return (-1);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return (-1);
	}
	return (fd);
}

/*
 * priv_conf: open a configuration file read at startup again.  The
 * descriptor, or -1 with errno (EPERM: not one read at startup).
 */
static int
priv_conf(struct priv_msg *m)
{
	struct priv_file *pf;

	TAILQ_FOREACH(pf, &priv_files, pf_entry)
		if (strcmp(pf->pf_path, m->pm_name) == 0)
			return (open(pf->pf_path, O_RDONLY | O_CLOEXEC));
	log_warnx("privileged helper: refused to open \"%.*s\": not a "
	    "configuration file read at startup", 64, m->pm_name);
	errno = EPERM;
	return (-1);
}

/* priv_plain_name: 1 if s is a file name without '/', not "." or "..". */
static int
priv_plain_name(const char *s)
{
	return (s[0] != '\0' && strchr(s, '/') == NULL &&
	    strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
	    strlen(s) <= NAME_MAX);
}

/* priv_send: one message with n descriptors; 0 or -1. */
static int
priv_send(int sock, struct priv_msg *m, const int *fds,
    unsigned int n)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) *
				    XENNETD_MAX_QUEUES)];
	} cm;
	struct msghdr msg;
	struct iovec iov;
	ssize_t r;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = m;
	iov.iov_len = sizeof(*m);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (n > 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm.hdr.cmsg_level = SOL_SOCKET;
		cm.hdr.cmsg_type = SCM_RIGHTS;
		cm.hdr.cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(&cm.hdr), fds, sizeof(int) * n);
	}
	while ((r = sendmsg(sock, &msg, MSG_NOSIGNAL)) == -1 &&
	    errno == EINTR)
		;
	return (r == (ssize_t)sizeof(*m) ? 0 : -1);
}

/*
 * priv_recv: one message into m, its descriptors (at most max) into
 * fds, their count in *nfd; *trunc 1 if there were more (those are
 * closed).  What recvmsg returns (0: the peer is gone).
 */
static ssize_t
priv_recv(int sock, struct priv_msg *m, int *fds, unsigned int max,
    unsigned int *nfd, int *trunc)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) *
				    XENNETD_MAX_QUEUES)];
	} cm;
	struct cmsghdr *ch;
	struct msghdr msg;
	struct iovec iov;
	unsigned int i, got;
	ssize_t r;
	int *in;

	*nfd = 0;
	*trunc = 0;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = m;
	iov.iov_len = sizeof(*m);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	if (r == -1)
		return (-1);
	for (ch = CMSG_FIRSTHDR(&msg); ch != NULL;
	    ch = CMSG_NXTHDR(&msg, ch)) {
		if (ch->cmsg_level != SOL_SOCKET ||
		    ch->cmsg_type != SCM_RIGHTS)
			continue;
		got = (unsigned int)((ch->cmsg_len - CMSG_LEN(0)) /
		    sizeof(int));
		in = (int *)(void *)CMSG_DATA(ch);
		for (i = 0; i < got; i++) {
			if (*nfd < max)
				fds[(*nfd)++] = in[i];
			else {
				close(in[i]);
				*trunc = 1;
			}
		}
	}
	if (msg.msg_flags & MSG_CTRUNC)
		*trunc = 1;
	return (r);
}

/*
 * priv_call: (daemon) send request m, with descriptor fd unless it is
 * -1, wait for the reply into m and its descriptors (at most max) into
 * fds.  Their count, or -1 with errno: the helper's, or EPIPE if it is
 * gone.
 */
static int
priv_call(struct priv_msg *m, int fd, int *fds, unsigned int max)
{
	unsigned int n, i;
	ssize_t r;
	int trunc;

	if (priv_sock == -1) {
		errno = ENOTCONN;
		return (-1);
	}
	pthread_mutex_lock(&priv_mtx);
	if (priv_send(priv_sock, m, &fd, fd != -1) == -1) {
		pthread_mutex_unlock(&priv_mtx);
		log_warn("privileged helper: request");
		errno = EPIPE;
		return (-1);
	}
	r = priv_recv(priv_sock, m, fds, max, &n, &trunc);
	pthread_mutex_unlock(&priv_mtx);
	if (r != (ssize_t)sizeof(*m)) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		log_warnx("privileged helper: no reply (it is gone?)");
		errno = EPIPE;
		return (-1);
	}
	if (m->pm_errno != 0 || trunc) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		errno = m->pm_errno != 0 ? m->pm_errno : EMSGSIZE;
		return (-1);
	}
	return ((int)n);
}

/*
 * priv_tap_open: (daemon) tap_open through the helper: the same
 * contract.
 */
static int
priv_tap_open(struct tap *tp, const char *name, char *actual, size_t len,
    unsigned int nqueues, unsigned int mtu)
{
	struct priv_msg m;
	int n;

	memset(tp, 0, sizeof(*tp));
	memset(&m, 0, sizeof(m));
	m.pm_op = PRIV_TAP;
	m.pm_nqueues = nqueues;
	m.pm_mtu = mtu;
	if (strlen(name) >= IFNAMSIZ) {
		errno = EINVAL;
		return (-1);
	}
	memcpy(m.pm_name, name, strlen(name));
	if ((n = priv_call(&m, -1, tp->tp_fd, XENNETD_MAX_QUEUES)) == -1)
		return (-1);
	if (n != (int)nqueues || m.pm_nqueues < 1 ||
	    m.pm_nqueues > (unsigned int)n ||
	    memchr(m.pm_name, '\0', IFNAMSIZ) == NULL) {
		tp->tp_nfd = (unsigned int)n;
		tap_close(tp, 1);	/* as it is: it may be a guest's */
		errno = EPROTO;
		return (-1);
	}
	tp->tp_nfd = (unsigned int)n;
	tp->tp_nattached = m.pm_nqueues;
	tp->tp_reused = m.pm_arg != 0;
	snprintf(actual, len, "%s", m.pm_name);
	return (0);
}

/*
 * priv_tap_discard: (daemon) tap_discard through the helper: the same
 * contract.
 */
static int
priv_tap_discard(const char *name, char *actual, size_t len)
{
	struct priv_msg m;

	memset(&m, 0, sizeof(m));
	m.pm_op = PRIV_DISCARD;
	if (strlen(name) >= IFNAMSIZ) {
		errno = EINVAL;
		return (-1);
	}
	memcpy(m.pm_name, name, strlen(name));
	if (priv_call(&m, -1, NULL, 0) == -1)
		return (-1);
	if (m.pm_arg > 1 || memchr(m.pm_name, '\0', IFNAMSIZ) == NULL) {
		errno = EPROTO;
		return (-1);
	}
	snprintf(actual, len, "%s", m.pm_name);
	return ((int)m.pm_arg);
}

/*
 * priv_tap_set: (daemon) tap_set through the helper, which is given
 * the tap's descriptor fd: the same contract.
 */
static int
priv_tap_set(int fd, int what, unsigned int value)
{
	struct priv_msg m;

	memset(&m, 0, sizeof(m));
	m.pm_op = PRIV_TAP_SET;
	m.pm_arg = (uint32_t)what;
	m.pm_mtu = value;
	return (priv_call(&m, fd, NULL, 0) == -1 ? -1 : 0);
}

/*
 * priv_vhost_open: (daemon) tap_vhost_open through the helper: a new
 * /dev/vhost-net descriptor, or -1 with errno.
 */
static int
priv_vhost_open(void)
{
	struct priv_msg m;
	int fd;

	memset(&m, 0, sizeof(m));
	m.pm_op = PRIV_VHOST;
	return (priv_call(&m, -1, &fd, 1) == 1 ? fd : -1);
}

/*
 * priv_capture_open: (daemon) the capture file name in dir, created or
 * opened by the helper: only in the capture directory of startup.  A
 * descriptor, or -1 with the reason in err.
 */
int
priv_capture_open(const char *dir, const char *name, char *err,
    size_t errlen)
{
	struct priv_msg m;
	const char *base = name;
	size_t dl = strlen(priv_capdir);
	int fd;

	if (strcmp(dir, priv_capdir) != 0) {
		snprintf(err, errlen, "capture-dir %s is not the one of "
		    "startup (%s): with privilege separation that takes a "
		    "restart", dir, priv_capdir);
		return (-1);
	}
	if (name[0] == '/') {
		if (strncmp(name, priv_capdir, dl) != 0 ||
		    name[dl] != '/' || strchr(name + dl + 1, '/') != NULL) {
			snprintf(err, errlen, "%s: with privilege separation "
			    "a capture file is in capture-dir %s", name,
			    priv_capdir);
			return (-1);
		}
		base = name + dl + 1;
	}
	memset(&m, 0, sizeof(m));
	m.pm_op = PRIV_CAPTURE;
	if (!priv_plain_name(base)) {
		snprintf(err, errlen, "%s: not a file name", name);
		return (-1);
	}
	memcpy(m.pm_name, base, strlen(base));
	if (priv_call(&m, -1, &fd, 1) != 1) {
		/* the name was checked here: EINVAL says what it is */
		snprintf(err, errlen, "%s/%s: %s", priv_capdir, base,
		    errno == EINVAL ? "not a regular file" : strerror(errno));
		return (-1);
	}
	return (fd);
}

/*
 * priv_cleanup: (daemon, at exit) have the helper remove the pid file
 * and the control socket, which the daemon's user may not.  0 or -1.
 */
int
priv_cleanup(void)
{
	struct priv_msg m;

	memset(&m, 0, sizeof(m));
	m.pm_op = PRIV_CLEANUP;
	return (priv_call(&m, -1, NULL, 0) == -1 ? -1 : 0);
}
