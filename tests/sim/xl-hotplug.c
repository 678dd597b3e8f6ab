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
 * xl-sim: the vif hotplug script runner (libxl's device_hotplug,
 * libxl__hotplug_nic, libxl_aoutils.c's async exec).
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "xl.h"

extern char **environ;

static char	**xl_hotplug_env(const struct xl_dev *, const char *);
static void	 xl_hotplug_strv_free(char **);
static void	 xl_hotplug_sigchld(int);

int		 xl_hotplug_sigpipe[2] = { -1, -1 };

/*
 * xl_hotplug_init: set up the SIGCHLD self-pipe that wakes xl_dev_run
 * when a script exits.  Returns 0, or -1 after a message.
 */
int
xl_hotplug_init(void)
{
	struct sigaction sa;
	int i;

	if (pipe(xl_hotplug_sigpipe) == -1) {
		xl_log(XL_ERROR, S_XLSIM, -1, errno, "pipe");
		return (-1);
	}
	for (i = 0; i < 2; i++) {
		fcntl(xl_hotplug_sigpipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(xl_hotplug_sigpipe[i], F_SETFL,
		    fcntl(xl_hotplug_sigpipe[i], F_GETFL) | O_NONBLOCK);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = xl_hotplug_sigchld;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL) == -1) {
		xl_log(XL_ERROR, S_XLSIM, -1, errno, "sigaction");
		return (-1);
	}
	return (0);
}

/* xl_hotplug_sigchld: wake the event loop; the loop reaps. */
static void
xl_hotplug_sigchld(int sig)
{
	int save = errno;
	char c = 'c';

	(void)sig;
	if (write(xl_hotplug_sigpipe[1], &c, 1) == -1) {
		/* the pipe is full: a wakeup is pending anyway */
	}
	errno = save;
}

/*
 * xl_hotplug_env: the environment of a vif hotplug script: ours with
 * libxl's variables set (get_hotplug_env in libxl_linux.c): script,
 * XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH, netdev, vif.  Built in the
 * parent so that the child only has to exec.  NULL on failure.
 */
static char **
xl_hotplug_env(const struct xl_dev *dv, const char *script)
{
	static const char *names[] = { "script", "XENBUS_TYPE",
	    "XENBUS_PATH", "XENBUS_BASE_PATH", "netdev", "vif" };
	const size_t nn = sizeof(names) / sizeof(names[0]);
	char vals[6][XL_VALLEN], path[XL_PATHLEN], *gw;
	char **env;
	size_t i, j, k, n, len;

	snprintf(path, sizeof(path), "%s/gatewaydev", dv->dv_be);
	gw = xl_xs_read(XBT_NULL, path);
	snprintf(vals[0], XL_VALLEN, "%s", script);
	snprintf(vals[1], XL_VALLEN, "vif");
	snprintf(vals[2], XL_VALLEN, "backend/vif/%u/%d", dv->dv_domid,
	    dv->dv_devid);
	snprintf(vals[3], XL_VALLEN, "backend");
	snprintf(vals[4], XL_VALLEN, "%s", gw != NULL ? gw : "");
	/* NETBACK_NIC_NAME: libxl always passes vif<domid>.<devid> */
	snprintf(vals[5], XL_VALLEN, "vif%u.%d", dv->dv_domid,
	    dv->dv_devid);
	free(gw);

	for (n = 0; environ[n] != NULL; n++)
		continue;
	env = calloc(n + nn + 1, sizeof(*env));
	if (env == NULL)
		return (NULL);
	for (i = 0, j = 0; i < n; i++) {
		for (k = 0; k < nn; k++) {
			len = strlen(names[k]);
			if (strncmp(environ[i], names[k], len) == 0 &&
			    environ[i][len] == '=')
				break;
		}
		if (k == nn)
			env[j++] = strdup(environ[i]);
	}
	for (i = 0; i < nn; i++) {
		len = strlen(names[i]) + strlen(vals[i]) + 2;
		env[j] = malloc(len);
		if (env[j] != NULL)
			snprintf(env[j], len, "%s=%s", names[i], vals[i]);
		j++;
	}
	env[j] = NULL;
	for (i = 0; i < j; i++)
		if (env[i] == NULL)
			goto fail;
	return (env);
fail:
	for (i = 0; i < j; i++)
		free(env[i]);
	free(env);
	return (NULL);
}

static void
xl_hotplug_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * xl_hotplug_run: run the vif hotplug script once per operation
 * (libxl's device_hotplug + libxl__hotplug_nic): argv = script,
 * online|offline, type_if=vif; stdin /dev/null, stdout to our stderr;
 * a deadline of LIBXL_HOTPLUG_TIMEOUT.  The second call finds nothing
 * left to run and ends the operation.
 */
void
xl_hotplug_run(struct xl_dev *dv)
{
	char path[XL_PATHLEN], *script, **env, *argv[4];
	char cannot[XL_VALLEN + 64], cmd[8], typeif[] = "type_if=vif";
	int nullfd;
	pid_t pid;

	if (dv->dv_nexec != 0) {
		xl_log(XL_DEBUG, S_DEV_NO_HOTPLUG, (int)dv->dv_domid, -1,
		    "No hotplug script to execute");
		xl_dev_done(dv, dv->dv_rc);
		return;
	}
	snprintf(path, sizeof(path), "%s/script", dv->dv_be);
	script = xl_xs_read(XBT_NULL, path);
	if (script == NULL) {
		xl_log(XL_ERROR, S_DEV_NO_SCRIPT, (int)dv->dv_domid,
		    errno, "unable to read script from %s", dv->dv_be);
		xl_dev_done(dv, XL_ERROR_FAIL);
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s",
	    dv->dv_action == XL_ADD ? "online" : "offline");
	env = xl_hotplug_env(dv, script);
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (env == NULL || nullfd == -1) {
		xl_log(XL_ERROR, S_XLSIM, (int)dv->dv_domid, errno,
		    "unable to prepare hotplug script %s", script);
		goto fail;
	}
	snprintf(dv->dv_what, sizeof(dv->dv_what), "%s %s", script, cmd);
	snprintf(cannot, sizeof(cannot), "libxl: cannot execute %s: ",
	    script);
	xl_log(XL_DEBUG, S_DEV_CALL_HOTPLUG, (int)dv->dv_domid, -1,
	    "calling hotplug script: %s %s", script, cmd);
	xl_log(XL_DEBUG, S_AO_FORK, -1, -1, "forking to execute: %s ",
	    dv->dv_what);
	argv[0] = script;
	argv[1] = cmd;
	argv[2] = typeif;
	argv[3] = NULL;
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		xl_log(XL_ERROR, S_AO_FORK, -1, errno, "unable to fork");
		goto fail;
	}
	if (pid == 0) {
		const char *e;

		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(nullfd, STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execve(script, argv, env);
		e = strerror(errno);
		if (write(STDERR_FILENO, cannot, strlen(cannot)) == -1 ||
		    write(STDERR_FILENO, e, strlen(e)) == -1 ||
		    write(STDERR_FILENO, "\n", 1) == -1)
			_exit(255);
		_exit(255);
	}
	close(nullfd);
	xl_hotplug_strv_free(env);
	free(script);
	dv->dv_pid = pid;
	dv->dv_exec_rc = 0;
	dv->dv_phase = XL_PH_HOTPLUG;
	dv->dv_deadline = xl_now() + (int64_t)xl_tmo_hotplug * 1000;
	return;
fail:
	if (nullfd != -1)
		close(nullfd);
	xl_hotplug_strv_free(env);
	free(script);
	xl_dev_done(dv, XL_ERROR_FAIL);
}

/*
 * xl_hotplug_exited: the hotplug script ended with wait status status
 * (libxl's async_exec_done + device_hotplug_child_death_cb).  A failure
 * ends an add; a removal goes on and only remembers the error.
 */
void
xl_hotplug_exited(struct xl_dev *dv, int status)
{
	char path[XL_PATHLEN], *err;
	int rc = dv->dv_exec_rc, sig;
	long pid = (long)dv->dv_pid;

	dv->dv_pid = -1;
	dv->dv_deadline = -1;
	if (status != 0 && rc == 0) {
		if (WIFEXITED(status))
			xl_log(XL_ERROR, S_EXEC_STATUS, -1, -1,
			    "%s [%ld] exited with error status %d",
			    dv->dv_what, pid, WEXITSTATUS(status));
		else if (WIFSIGNALED(status)) {
			sig = WTERMSIG(status);
			xl_log(XL_ERROR, S_EXEC_STATUS, -1, -1,
			    "%s [%ld] died due to fatal signal %s",
			    dv->dv_what, pid, strsignal(sig));
		}
		snprintf(path, sizeof(path), "%s/hotplug-error", dv->dv_be);
		err = xl_xs_read(XBT_NULL, path);
		if (err != NULL)
			xl_log(XL_ERROR, S_DEV_SCRIPT_ERROR, -1, -1,
			    "script: %s", err);
		free(err);
		rc = XL_ERROR_FAIL;
	}
	if (rc != 0) {
		if (dv->dv_rc == 0)
			dv->dv_rc = rc;
		if (dv->dv_action == XL_ADD) {
			xl_dev_done(dv, dv->dv_rc);
			return;
		}
	}
	dv->dv_nexec++;
	xl_hotplug_run(dv);
}

/*
 * xl_hotplug_timeout: dv's script overran its deadline (libxl's
 * async_exec_timeout): kill it; xl_dev_run then reaps the child.
 */
void
xl_hotplug_timeout(struct xl_dev *dv)
{

	xl_log(XL_ERROR, S_AO_KILL, -1, -1,
	    "killing execution of %s because of timeout", dv->dv_what);
	dv->dv_exec_rc = XL_ERROR_TIMEDOUT;
	if (dv->dv_pid > 0 && kill(dv->dv_pid, SIGKILL) == -1)
		xl_log(XL_ERROR, S_AO_KILL, -1, errno,
		    "unable to kill %s [%ld]", dv->dv_what, (long)dv->dv_pid);
}
