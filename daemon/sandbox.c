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
 * The daemon's sandbox (xennetd(8), PRIVILEGE SEPARATION): once it has
 * opened what needs root (xenstore, the Xen devices, the control socket,
 * the pid file, the rtnetlink socket of linkmon.c), removed the taps
 * earlier daemons left for vifs now gone (vif_sweep) and forked the
 * privileged helper (priv.c), and before its worker threads start, the
 * daemon
 *
 *  - becomes its user (-u, `user'; _xennetd by default): groups, gid,
 *    uid, all of them, so that no file of root's is its own;
 *  - keeps no capability, but CAP_NET_RAW when the configuration of
 *    startup has a bpf port: libpcap makes its AF_PACKET socket itself,
 *    and a pcap handle cannot be passed between processes;
 *  - sets no_new_privs;
 *  - on a simulated machine (-S), confines what it may open to the
 *    simulator's run directory with Landlock: the simulated hypervisor
 *    is files and sockets there, which it opens as guests come.  The
 *    simulator's tools run as root and make them root's: the daemon
 *    keeps CAP_DAC_OVERRIDE for them, within that directory only;
 *  - installs a seccomp filter (libseccomp) that allows the system calls
 *    it makes and refuses the rest with EPERM: no open, no execve, no
 *    socket but AF_UNIX and AF_INET/AF_INET6 (and AF_PACKET with a bpf
 *    port), no tap creation (TUNSETIFF and the other tap set-up ioctls),
 *    no thread but threads (clone with CLONE_THREAD; clone3 answers
 *    ENOSYS, so that the C library falls back to clone).  The kernel logs
 *    every refused call (SCMP_FLTATR_CTL_LOG: audit, dmesg).
 *
 * Why EPERM and not killing the process: the daemon serves every guest
 * of the host; a refused call in some rare path fails that operation
 * (the vif is disconnected with the error logged) instead of dropping
 * every guest's traffic at once.  What the filter keeps out (opening
 * files, creating interfaces, raw and netlink sockets, running a
 * program) is refused either way.
 */

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/capability.h>
#include <linux/if_tun.h>
#include <linux/landlock.h>
#include <linux/sockios.h>
#include <net/if.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "simrun.h"
#include "xennetd.h"

/* Landlock rights newer than the C library's kernel headers. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)	/* ABI 5 */
#endif

static uid_t	sandbox_uid;
static gid_t	sandbox_gid;
static int	sandbox_on;

static void	sandbox_caps(uint32_t);
static void	sandbox_landlock(const char *);
#ifdef HAVE_SECCOMP
static void	sandbox_seccomp(int, int);
static void	sandbox_rule(scmp_filter_ctx, uint32_t, int, unsigned int,
		    const struct scmp_arg_cmp *);
#endif

/*
 * sandbox_user: look up user, the one the daemon becomes (startup, as
 * root, before the helper forks).  Fatal if there is none.
 */
void
sandbox_user(const char *user)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("user %s does not exist: create it (useradd --system "
		    "--no-create-home --home-dir /nonexistent --shell "
		    "/usr/sbin/nologin %s; the init script does), choose "
		    "another with -u or `user', or run without privilege "
		    "separation (-Z)", user, user);
	if (pw->pw_uid == 0)
		fatalx("user %s is root: privilege separation needs another "
		    "(or -Z to run without)", user);
	sandbox_uid = pw->pw_uid;
	sandbox_gid = pw->pw_gid;
	sandbox_on = 1;
}

/*
 * sandbox_enter: become the user, drop capabilities, no_new_privs,
 * Landlock (a simulated machine: simdir), seccomp.  Single-threaded:
 * before the workers start.  Fatal on failure: a daemon that asked for
 * a sandbox does not run without it.
 */
void
sandbox_enter(const struct xnd_config *c, int bpf)
{
	int sim = strcmp(c->xc_provider, "sim") == 0;
	uint32_t keep = 0;

	if (!sandbox_on)
		return;
	if (bpf)
		keep |= 1U << CAP_NET_RAW;
	if (sim)
		keep |= 1U << CAP_DAC_OVERRIDE;
	if (keep != 0 && prctl(PR_SET_KEEPCAPS, 1) == -1)
		fatal("sandbox: PR_SET_KEEPCAPS");
	if (setgroups(1, &sandbox_gid) == -1 ||
	    setresgid(sandbox_gid, sandbox_gid, sandbox_gid) == -1 ||
	    setresuid(sandbox_uid, sandbox_uid, sandbox_uid) == -1)
		fatal("sandbox: cannot become uid %u gid %u",
		    (unsigned int)sandbox_uid, (unsigned int)sandbox_gid);
	if (setuid(0) != -1 || geteuid() != sandbox_uid)
		fatalx("sandbox: root privileges are still there");
	sandbox_caps(keep);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("sandbox: PR_SET_NO_NEW_PRIVS");
	/*
	 * What the C library would load later, from files: the unwinder
	 * that pthread_cancel(3) needs (libxenstore cancels its reader
	 * thread when it closes).
	 */
	if (dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE) == NULL)
		log_warnx("sandbox: %s: threads cannot be cancelled",
		    dlerror());
	if (sim)
		sandbox_landlock(simrun_dir(c->xc_simdir));
#ifdef HAVE_SECCOMP
	sandbox_seccomp(sim, bpf);
#endif
	log_info("sandbox: running as uid %u gid %u, capabilities:%s%s%s, "
	    "no_new_privs%s%s",
	    (unsigned int)sandbox_uid, (unsigned int)sandbox_gid,
	    keep == 0 ? " none" : "", bpf ? " CAP_NET_RAW (a bpf port)" : "",
	    sim ? " CAP_DAC_OVERRIDE (the simulator's files)" : "",
	    sim ? ", Landlock: the simulator's run directory" : "",
#ifdef HAVE_SECCOMP
	    ", seccomp filter"
#else
	    ", no seccomp filter (built without libseccomp)"
#endif
	    );
}

/*
 * sandbox_caps: the capability sets: the capabilities keep (a mask of
 * the first 32), permitted and effective; none inheritable or ambient.
 */
static void
sandbox_caps(uint32_t keep)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].permitted = data[0].effective = keep;
	if (syscall(SYS_capset, &hdr, data) == -1)
		fatal("sandbox: capset");
	if (prctl(PR_SET_KEEPCAPS, 0) == -1)
		fatal("sandbox: PR_SET_KEEPCAPS");
}

/*
 * sandbox_landlock: (a simulated machine) every file-system access the
 * running kernel's Landlock knows, beneath dir only.  Without Landlock
 * (an old kernel, or disabled) this is said once and skipped: the
 * simulator is a test tool, and the user's own rights still apply.
 */
static void
sandbox_landlock(const char *dir)
{
	struct landlock_ruleset_attr ra;
	struct landlock_path_beneath_attr pb;
	uint64_t all;
	long abi;
	int rfd, dfd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		log_warn("sandbox: no Landlock: file access not confined "
		    "to %s", dir);
		return;
	}
	/* ABI 1: every right up to MAKE_SYM */
	all = ((uint64_t)LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = all;
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra),
	    0)) == -1)
		fatal("sandbox: landlock_create_ruleset");
	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		fatal("sandbox: %s", dir);
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = all;
	pb.parent_fd = dfd;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		fatal("sandbox: landlock_add_rule %s", dir);
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		fatal("sandbox: landlock_restrict_self");
	close(dfd);
	close(rfd);
}

#ifdef HAVE_SECCOMP
/* What every daemon makes, on every machine. */
static const int sandbox_calls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(close),
	SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(access), SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2), SCMP_SYS(ftruncate), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(fcntl), SCMP_SYS(dup),
	SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(pipe2),
	SCMP_SYS(eventfd2), SCMP_SYS(getdents64),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect),
	SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(mlock), SCMP_SYS(munlock),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(tgkill),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(connect), SCMP_SYS(accept4), SCMP_SYS(listen),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(shutdown), SCMP_SYS(sendto),
	SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg),
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(getresuid), SCMP_SYS(getresgid),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday), SCMP_SYS(getrandom), SCMP_SYS(uname),
	SCMP_SYS(prlimit64), SCMP_SYS(getrusage), SCMP_SYS(umask),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
	SCMP_SYS(membarrier)
};

/* What the simulated hypervisor adds: its files, its sockets. */
static const int sandbox_sim_calls[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(unlink),
	SCMP_SYS(unlinkat), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(bind),
	SCMP_SYS(flock), SCMP_SYS(fallocate)
};

/*
 * The tap set-up ioctls: only the privileged helper does these.  Not
 * TUNSETPERSIST: it acts on the descriptor's own tap, the kernel asks
 * no capability for it, and the daemon clears it on a tap it removes
 * for good (tap_close).
 */
static const unsigned long sandbox_tun_ioctls[] = {
	TUNSETIFF, TUNSETOWNER, TUNSETGROUP, TUNSETLINK,
	SIOCSIFFLAGS, SIOCSIFMTU, SIOCSIFHWADDR, SIOCSIFNAME
};
#define NTUN	(sizeof(sandbox_tun_ioctls) / sizeof(sandbox_tun_ioctls[0]))

/*
 * sandbox_seccomp: load the filter (see the top of the file); with bpf,
 * AF_PACKET sockets too.  With XENNETD_SECCOMP=log in the environment
 * of a --enable-debug build, calls outside the list are allowed and
 * logged by the kernel instead: how the list was made (the test suite
 * run that way, then dmesg).
 */
static void
sandbox_seccomp(int sim, int bpf)
{
	scmp_filter_ctx ctx;
	uint32_t deflt = SCMP_ACT_ERRNO(EPERM);
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	struct scmp_arg_cmp cmp[1];
	size_t i;
	int rc;

#ifdef XN_DEBUG
	if (getenv("XENNETD_SECCOMP") != NULL &&
	    strcmp(getenv("XENNETD_SECCOMP"), "log") == 0) {
		deflt = SCMP_ACT_LOG;
		log_warnx("sandbox: seccomp in log mode (XENNETD_SECCOMP)");
	}
#endif
	if ((ctx = seccomp_init(deflt)) == NULL)
		fatalx("sandbox: seccomp_init failed");
	/*
	 * The kernel logs what the filter refuses; every thread gets the
	 * filter (there is only this one yet: in case one came).
	 */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1)) != 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0) {
		errno = -rc;
		fatal("sandbox: seccomp attributes");
	}
	for (i = 0; i < sizeof(sandbox_calls) / sizeof(sandbox_calls[0]);
	    i++)
		sandbox_rule(ctx, SCMP_ACT_ALLOW, sandbox_calls[i], 0, NULL);
	for (i = 0; sim && i < sizeof(sandbox_sim_calls) /
	    sizeof(sandbox_sim_calls[0]); i++)
		sandbox_rule(ctx, SCMP_ACT_ALLOW, sandbox_sim_calls[i], 0,
		    NULL);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		cmp[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, cmp);
	}
	if (bpf) {
		cmp[0] = SCMP_A0(SCMP_CMP_EQ, AF_PACKET);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, cmp);
		/*
		 * libpcap binds its packet socket to the interface (the
		 * simulator's list has bind already: a rule once)
		 */
		if (!sim)
			sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(bind), 0,
			    NULL);
	}
	/*
	 * ioctl, but for the tap set-up requests: those are refused with
	 * EACCES (libseccomp wants an action apart from the default's),
	 * and their rules come first: libseccomp then tests them before
	 * the one that allows (tests/integration/t_privsep.sh checks).
	 * The kernel reads a request as 32 bits: one with higher bits set
	 * is refused too, or they could hide a tap request.
	 */
	for (i = 0; i < NTUN; i++) {
		cmp[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL,
		    (scmp_datum_t)sandbox_tun_ioctls[i]);
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(ioctl), 1,
		    cmp);
	}
	cmp[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffff00000000ULL, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, cmp);
	/* Threads only; clone3's flags are out of the filter's reach. */
	cmp[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, cmp);
	sandbox_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
	if ((rc = seccomp_load(ctx)) != 0) {
		errno = -rc;
		fatal("sandbox: seccomp_load");
	}
	seccomp_release(ctx);
}

/* sandbox_rule: one rule of the filter, or fatal. */
static void
sandbox_rule(scmp_filter_ctx ctx, uint32_t action, int sys, unsigned int n,
    const struct scmp_arg_cmp *cmp)
{
	char *name;
	int rc;

	if ((rc = seccomp_rule_add_array(ctx, action, sys, n, cmp)) == 0)
		return;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, sys);
	errno = -rc;
	fatal("sandbox: seccomp rule for %s", name != NULL ? name : "?");
}
#endif

#ifdef XN_DEBUG
/*
 * sandbox_try: (a --enable-debug build, XENNETD_SANDBOX_TRY set: the
 * test of the sandbox, tests/integration/t_privsep.sh) what the
 * sandbox must refuse, tried from a worker thread, each outcome logged:
 * opening a file anyone may read, creating a tap (TUNSETIFF), a netlink
 * socket (what configures interfaces) and a packet socket.
 */
void
sandbox_try(int id)
{
	struct ifreq ifr;
	int fd, s;

	if (getenv("XENNETD_SANDBOX_TRY") == NULL)
		return;
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	log_info("sandbox try: worker %d: open /etc/passwd: %s", id,
	    fd == -1 ? strerror(errno) : "allowed");
	if (fd != -1)
		close(fd);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "xntry%d", id);
	/* Unfiltered, a datagram socket answers ENOTTY. */
	log_info("sandbox try: worker %d: ioctl TUNSETIFF: %s", id,
	    ioctl(s, TUNSETIFF, &ifr) == -1 ? strerror(errno) : "allowed");
	if (s != -1)
		close(s);
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	log_info("sandbox try: worker %d: socket AF_NETLINK: %s", id,
	    s == -1 ? strerror(errno) : "allowed");
	if (s != -1)
		close(s);
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	log_info("sandbox try: worker %d: socket AF_PACKET: %s", id,
	    s == -1 ? strerror(errno) : "allowed");
	if (s != -1)
		close(s);
}
#endif
