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
 * xennetctl: control xennetd through its control socket: show its vifs
 * and their counters, change batch sizes, capture, reload, set the log
 * level.  One request line out, one JSON reply line back (ctlreq.h);
 * the request is checked here with the daemon's own parser first.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "xennetctl.h"

#define CTL_REPLY_MAX	(64 * 1024 * 1024)	/* bytes in a reply */
#define CTL_WAIT_MS	30000	/* the daemon answers within this */
#define CTL_WATCH_MAX	3600	/* show stats -w: seconds */

enum ctl_format { FMT_TABLE, FMT_JSON, FMT_PROM };

static void	usage(void) __attribute__((noreturn));
static int	ctl_connect(const char *);
static struct json_object *ctl_request(int, const char *, const char *);
static int	ctl_line(int, char **, char *, size_t);
static void	ctl_print(enum ctl_format, const struct ctlreq *,
		    struct json_object *, struct json_object *, double);
static void	ctl_stop(int);

static volatile sig_atomic_t ctl_stopped;

static void
usage(void)
{
	fprintf(stderr,
"usage: xennetctl [-j] [-o table|json|prometheus] [-s socket] command ...\n"
"commands:\n"
"  show vifs\n"
"  show stats [vif] [-w seconds]\n"
"  set batch tx|rx|copy N [vif]\n"
"  capture vif file [count N | seconds S]\n"
"  capture stop vif\n"
"  reload\n"
"  log level N | + | -\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	enum ctl_format fmt = FMT_TABLE;
	const char *path = XENNETD_SOCKET;
	struct json_object *reply, *prev = NULL;
	struct ctlreq req;
	char line[CTLREQ_MAX], err[256];
	unsigned long long u;
	unsigned int watch = 0;
	size_t off = 0, n;
	int ch, i, fd, rc;

	while ((ch = getopt(argc, argv, "+hjo:s:")) != -1) {
		switch (ch) {
		case 'j':
			fmt = FMT_JSON;
			break;
		case 'o':
			if (strcmp(optarg, "table") == 0)
				fmt = FMT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(optarg, "prometheus") == 0)
				fmt = FMT_PROM;
			else {
				fprintf(stderr, "xennetctl: -o: \"%s\" is not "
				    "table, json or prometheus\n", optarg);
				exit(1);
			}
			break;
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	/* show stats ... -w secs: the watch is ours, not the daemon's. */
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-w") != 0)
			continue;
		if (argc < 2 || strcmp(argv[0], "show") != 0 ||
		    strcmp(argv[1], "stats") != 0) {
			fprintf(stderr, "xennetctl: -w is for show stats "
			    "only\n");
			exit(1);
		}
		if (i + 1 >= argc || num_parse(argv[i + 1], CTL_WATCH_MAX,
		    &u) == -1 || u < 1) {
			fprintf(stderr, "xennetctl: -w: %s%s%s is not a "
			    "number of seconds in 1..%d\n",
			    i + 1 < argc ? "\"" : "",
			    i + 1 < argc ? argv[i + 1] : "nothing",
			    i + 1 < argc ? "\"" : "", CTL_WATCH_MAX);
			exit(1);
		}
		watch = (unsigned int)u;
		memmove(&argv[i], &argv[i + 2], (size_t)(argc - i - 2) *
		    sizeof(*argv));
		argc -= 2;
		i--;
	}
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		if (n == 0 || strpbrk(argv[i], " \t\n\r") != NULL) {
			fprintf(stderr, "xennetctl: \"%s\": empty, or has "
			    "white space\n", argv[i]);
			exit(1);
		}
		if (off + n + 1 >= sizeof(line)) {
			fprintf(stderr, "xennetctl: command longer than %d "
			    "bytes\n", CTLREQ_MAX - 1);
			exit(1);
		}
		memcpy(line + off, argv[i], n);
		off += n;
		line[off++] = ' ';
	}
	line[--off] = '\0';
	if (ctlreq_parse(line, off, &req, err, sizeof(err)) == -1) {
		fprintf(stderr, "xennetctl: %s\n", err);
		exit(1);
	}
	if (fmt == FMT_PROM && req.cr_verb != CTLREQ_SHOW_VIFS &&
	    req.cr_verb != CTLREQ_SHOW_STATS) {
		fprintf(stderr, "xennetctl: -o prometheus is for show vifs "
		    "and show stats\n");
		exit(1);
	}
	signal(SIGPIPE, SIG_IGN);
	if ((fd = ctl_connect(path)) == -1)
		exit(1);
	if (watch > 0) {
		signal(SIGINT, ctl_stop);
		signal(SIGTERM, ctl_stop);
	}
	rc = 0;
	do {
		if ((reply = ctl_request(fd, path, line)) == NULL) {
			rc = 1;
			break;
		}
		if (!js_bool(reply, "ok")) {
			if (fmt == FMT_JSON)
				printf("%s\n", json_object_to_json_string_ext(
				    reply, JSON_C_TO_STRING_PLAIN));
			fprintf(stderr, "xennetctl: %s\n",
			    js_str(reply, "error"));
			json_object_put(reply);
			rc = 1;
			break;
		}
		ctl_print(fmt, &req, reply, prev, (double)watch);
		fflush(stdout);
		json_object_put(prev);
		prev = reply;
		if (watch > 0 && !ctl_stopped)
			sleep(watch);
	} while (watch > 0 && !ctl_stopped);
	json_object_put(prev);
	close(fd);
	return (rc);
}

static void
ctl_stop(int sig)
{
	ctl_stopped = 1;
}

/*
 * ctl_connect: the daemon's socket at path, or -1 after saying why (the
 * daemon is not running, or we may not talk to it).
 */
static int
ctl_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "xennetctl: %s: name too long\n", path);
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "xennetctl: socket: %s\n", strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "xennetctl: xennetd is not running "
			    "(nothing listens on %s: %s)\n", path,
			    strerror(errno));
		else if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "xennetctl: %s: %s (the control "
			    "socket is root's)\n", path, strerror(errno));
		else
			fprintf(stderr, "xennetctl: %s: %s\n", path,
			    strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * ctl_request: send the request line, return the daemon's reply (NULL
 * after saying why).
 */
static struct json_object *
ctl_request(int fd, const char *path, const char *line)
{
	struct json_object *o;
	char *buf = NULL, err[128], req[CTLREQ_MAX + 1];
	size_t off = 0, n;
	ssize_t w;

	n = (size_t)snprintf(req, sizeof(req), "%s\n", line);
	while (off < n) {
		if ((w = write(fd, req + off, n - off)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "xennetctl: %s: %s\n", path,
			    strerror(errno));
			return (NULL);
		}
		off += (size_t)w;
	}
	if (ctl_line(fd, &buf, err, sizeof(err)) == -1) {
		fprintf(stderr, "xennetctl: %s: %s\n", path, err);
		free(buf);
		return (NULL);
	}
	if ((o = json_tokener_parse(buf)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		fprintf(stderr, "xennetctl: %s: the reply is not a JSON "
		    "object\n", path);
		json_object_put(o);
		free(buf);
		return (NULL);
	}
	free(buf);
	return (o);
}

/*
 * ctl_line: read one reply line from fd into *buf (NUL-terminated, no
 * newline), waiting at most CTL_WAIT_MS for each piece.  0, or -1 with
 * err.
 */
static int
ctl_line(int fd, char **buf, char *err, size_t errlen)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0, size = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int p;

	for (;;) {
		if (size - len < 4096) {
			if (size >= CTL_REPLY_MAX) {
				snprintf(err, errlen, "reply longer than %d "
				    "bytes", CTL_REPLY_MAX);
				goto fail;
			}
			size = size == 0 ? 65536 : size * 2;
			if ((nb = realloc(b, size)) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			b = nb;
		}
		if ((p = poll(&pfd, 1, CTL_WAIT_MS)) == -1 && errno == EINTR)
			continue;
		if (p == 0) {
			snprintf(err, errlen, "no answer from xennetd in %d s",
			    CTL_WAIT_MS / 1000);
			goto fail;
		}
		if ((r = read(fd, b + len, size - len - 1)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0) {
			snprintf(err, errlen, "xennetd closed the connection");
			goto fail;
		}
		len += (size_t)r;
		b[len] = '\0';
		if (memchr(b + len - (size_t)r, '\n', (size_t)r) != NULL)
			break;
	}
	*(char *)memchr(b, '\n', len) = '\0';
	*buf = b;
	return (0);
fail:
	*buf = b;
	return (-1);
}

/*
 * ctl_print: one reply in the format asked for; prev: the reply before
 * (show stats -w), for rates between the two, or NULL; watch: -w.
 */
static void
ctl_print(enum ctl_format fmt, const struct ctlreq *req,
    struct json_object *reply, struct json_object *prev, double watch)
{
	switch (fmt) {
	case FMT_JSON:
		printf("%s\n", json_object_to_json_string_ext(reply,
		    watch > 0 ? JSON_C_TO_STRING_PLAIN :
		    JSON_C_TO_STRING_PRETTY));
		return;
	case FMT_PROM:
		if (req->cr_verb == CTLREQ_SHOW_VIFS)
			prom_vifs(reply);
		else
			prom_stats(reply);
		return;
	case FMT_TABLE:
		break;
	}
	switch (req->cr_verb) {
	case CTLREQ_SHOW_VIFS:
		out_vifs(reply);
		break;
	case CTLREQ_SHOW_STATS:
		/* like top: in place on a terminal */
		if (watch > 0 && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		else if (watch > 0 && prev != NULL)
			printf("\n");
		out_stats(reply, prev, watch);
		break;
	default:
		out_result(req, reply);
		break;
	}
}

/* js_get: member key of object o, NULL if none. */
struct json_object *
js_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return (NULL);
	return (v);
}

uint64_t
js_u64(struct json_object *o, const char *key)
{
	return (json_object_get_uint64(js_get(o, key)));
}

double
js_double(struct json_object *o, const char *key)
{
	return (json_object_get_double(js_get(o, key)));
}

/* js_str: a string member, "" if none. */
const char *
js_str(struct json_object *o, const char *key)
{
	struct json_object *v = js_get(o, key);

	return (v != NULL ? json_object_get_string(v) : "");
}

int
js_bool(struct json_object *o, const char *key)
{
	return (json_object_get_boolean(js_get(o, key)));
}
