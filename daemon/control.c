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
 * The control socket (xennetctl(8)): a unix stream socket, mode 0600,
 * served by the main thread's event loop, several clients at once.  A
 * client sends requests, one line each (ctlreq.c); each gets one line
 * back, a JSON object (ctlcmd.c).  A request longer than CTLREQ_MAX
 * bytes gets an error and the connection is closed (there is no way to
 * find the next request); any other bad request gets an error and the
 * connection stays.  A client that does not read its replies is dropped
 * before they fill the daemon's memory.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

#define CONTROL_MAX_CLIENTS	32
#define CONTROL_MAX_OUT		(4 * 1024 * 1024)	/* unread replies */
#define CONTROL_WRITE_SECS	30	/* a client that does not read */

struct ctlconn {
	TAILQ_ENTRY(ctlconn)	 cc_entry;
	struct control		*cc_ctl;
	struct bufferevent	*cc_bev;
	int			 cc_closing;	/* close once written */
};

struct control {
	struct xnd		*ctl_x;
	struct evconnlistener	*ctl_lev;
	char			 ctl_path[sizeof(((struct sockaddr_un *)0)->
				    sun_path)];
	TAILQ_HEAD(, ctlconn)	 ctl_conns;
	int			 ctl_nconns;
};

static void	control_accept(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	control_read(struct bufferevent *, void *);
static void	control_write(struct bufferevent *, void *);
static void	control_event(struct bufferevent *, short, void *);
static void	control_reply(struct ctlconn *, struct json_object *);
static void	control_close(struct ctlconn *);

/*
 * control_init: (startup) listen on path: a socket left there by an
 * earlier daemon is replaced (the pid file lock says none runs), any
 * other file is an error.  Fatal on failure.
 */
struct control *
control_init(struct xnd *x, const char *path)
{
	struct control *ctl;
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		fatal("calloc");
	ctl->ctl_x = x;
	TAILQ_INIT(&ctl->ctl_conns);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		fatalx("control socket %s: name too long", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	memcpy(ctl->ctl_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			fatalx("control socket %s: exists and is not a socket",
			    path);
		if (unlink(path) == -1)
			fatal("control socket %s: unlink", path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		fatal("control socket");
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("control socket %s: bind", path);
	umask(old);
	if (chown(path, 0, 0) == -1 || chmod(path, 0600) == -1)
		fatal("control socket %s", path);
	if ((ctl->ctl_lev = evconnlistener_new(x->x_base, control_accept, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd)) == NULL)
		fatal("control socket %s: listen", path);
	log_debug("control socket %s", path);
	return (ctl);
}

/* control_cleanup: close every connection, remove the socket. */
void
control_cleanup(struct control *ctl)
{
	struct ctlconn *cc;

	while ((cc = TAILQ_FIRST(&ctl->ctl_conns)) != NULL)
		control_close(cc);
	evconnlistener_free(ctl->ctl_lev);
	unlink(ctl->ctl_path);
	free(ctl);
}

static void
control_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static const char busy[] = "{ \"ok\": false, \"error\": \"too many "
	    "clients\" }\n";
	struct control *ctl = arg;
	struct ctlconn *cc;

	if (ctl->ctl_nconns >= CONTROL_MAX_CLIENTS) {
		log_warnx("control: more than %d clients, refusing one",
		    CONTROL_MAX_CLIENTS);
		if (write(fd, busy, sizeof(busy) - 1) == -1)
			log_debug("control: cannot tell a client why");
		close(fd);
		return;
	}
	if ((cc = calloc(1, sizeof(*cc))) == NULL ||
	    (cc->cc_bev = bufferevent_socket_new(ctl->ctl_x->x_base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		log_warn("control: cannot serve a client");
		free(cc);
		close(fd);
		return;
	}
	cc->cc_ctl = ctl;
	TAILQ_INSERT_TAIL(&ctl->ctl_conns, cc, cc_entry);
	ctl->ctl_nconns++;
	/* Stop reading a client whose unread requests reach the limit. */
	bufferevent_setwatermark(cc->cc_bev, EV_READ, 0, CTLREQ_MAX);
	bufferevent_setcb(cc->cc_bev, control_read, control_write,
	    control_event, cc);
	bufferevent_enable(cc->cc_bev, EV_READ | EV_WRITE);
}

/* control_read: answer every whole request that arrived. */
static void
control_read(struct bufferevent *bev, void *arg)
{
	struct ctlconn *cc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct ctlreq req;
	char *line, err[256];
	size_t n;

	while (!cc->cc_closing &&
	    (line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) != NULL) {
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (ctlreq_parse(line, n, &req, err, sizeof(err)) == -1)
			control_reply(cc, ctlcmd_error(err));
		else
			control_reply(cc, ctlcmd_run(cc->cc_ctl->ctl_x, &req));
		free(line);
	}
	if (!cc->cc_closing && evbuffer_get_length(in) >= CTLREQ_MAX) {
		snprintf(err, sizeof(err), "request longer than %d bytes",
		    CTLREQ_MAX - 1);
		control_reply(cc, ctlcmd_error(err));
		cc->cc_closing = 1;
	}
	if (cc->cc_closing) {
		/*
		 * Read on, and drop, what the client still sends until the
		 * reply is out: closing with unread data would reset the
		 * connection and lose the reply.
		 */
		bufferevent_setwatermark(bev, EV_READ, 0, 0);
		evbuffer_drain(in, evbuffer_get_length(in));
		/* nothing left to write: control_write will not run */
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			control_close(cc);
	}
}

/* control_write: replies written: close if that was the last one. */
static void
control_write(struct bufferevent *bev, void *arg)
{
	struct ctlconn *cc = arg;

	if (cc->cc_closing &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		control_close(cc);
}

/* control_event: the client went away, or stopped reading. */
static void
control_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctlconn *cc = arg;

	if (what & BEV_EVENT_TIMEOUT)
		log_warnx("control: a client does not read its replies: "
		    "dropped");
	control_close(cc);
}

/*
 * control_reply: queue reply (and free it); a client with too much
 * unread is dropped (control_read closes it).
 */
static void
control_reply(struct ctlconn *cc, struct json_object *reply)
{
	struct evbuffer *out = bufferevent_get_output(cc->cc_bev);
	struct timeval tv = { CONTROL_WRITE_SECS, 0 };
	const char *s;

	if (reply == NULL)
		s = "{ \"ok\": false, \"error\": \"out of memory\" }";
	else
		s = json_object_to_json_string_ext(reply,
		    JSON_C_TO_STRING_PLAIN);
	if (evbuffer_get_length(out) > CONTROL_MAX_OUT) {
		log_warnx("control: a client has %d bytes of replies unread: "
		    "dropped", CONTROL_MAX_OUT);
		cc->cc_closing = 1;
		evbuffer_drain(out, evbuffer_get_length(out));
	} else if (evbuffer_add_printf(out, "%s\n", s) == -1) {
		log_warnx("control: cannot queue a reply: dropping the "
		    "client");
		cc->cc_closing = 1;
		evbuffer_drain(out, evbuffer_get_length(out));
	} else
		bufferevent_set_timeouts(cc->cc_bev, NULL, &tv);
	if (reply != NULL)
		json_object_put(reply);
}

static void
control_close(struct ctlconn *cc)
{
	struct control *ctl = cc->cc_ctl;

	TAILQ_REMOVE(&ctl->ctl_conns, cc, cc_entry);
	ctl->ctl_nconns--;
	bufferevent_free(cc->cc_bev);
	free(cc);
}
