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
 * Watches of xenstored-sim.  A change of a path fires every watch set on
 * that path or on one of its ancestors ("exact" events, sent for the
 * children removed with a node, only fire watches set on that very
 * path).  A watcher on an unprivileged connection only gets the event if
 * it may read the node, its parent, or the node as it was before a
 * permission change, as xenstored decides.  The special paths
 * @introduceDomain and @releaseDomain have permissions of their own
 * (default "n0": dom0 only), settable with SET_PERMS.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

struct special {
	const char	*s_name;
	struct perm	*s_perms;
	unsigned int	 s_nperms;
};

static struct special	*watch_special(const char *);
static int	 watch_is_child(const char *, const char *);
static int	 watch_permitted(const struct conn *, const char *,
		    const struct node *, const struct perm *, unsigned int);

static struct special specials[] = {
	{ "@introduceDomain", NULL, 0 },
	{ "@releaseDomain", NULL, 0 },
};
#define NSPECIALS	(sizeof(specials) / sizeof(specials[0]))

/*
 * watch_init
 * Give the special watch paths their default permissions "n0".
 * Returns 0 or -1 with errno.
 */
int
watch_init(void)
{
	size_t i;

	for (i = 0; i < NSPECIALS; i++) {
		if ((specials[i].s_perms = calloc(1, sizeof(struct perm))) ==
		    NULL)
			return (-1);
		specials[i].s_nperms = 1;
	}
	return (0);
}

/* watch_cleanup: free the permissions of the special paths. */
void
watch_cleanup(void)
{
	size_t i;

	for (i = 0; i < NSPECIALS; i++) {
		free(specials[i].s_perms);
		specials[i].s_perms = NULL;
		specials[i].s_nperms = 0;
	}
}

/* watch_special: the special path called name, or NULL. */
static struct special *
watch_special(const char *name)
{
	size_t i;

	for (i = 0; i < NSPECIALS; i++)
		if (strcmp(specials[i].s_name, name) == 0)
			return (&specials[i]);
	return (NULL);
}

/*
 * watch_special_set
 * SET_PERMS on a special path: connection c must have write and owner
 * access to it.  Returns 0, or -1 with errno EINVAL (no such special
 * path), EACCES or ENOMEM.
 */
int
watch_special_set(const struct conn *c, const char *name,
    const struct perm *p, unsigned int np)
{
	struct special *s;
	struct perm *copy;

	if ((s = watch_special(name)) == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if ((perm_for(c, s->s_perms, s->s_nperms) &
	    (XSD_PERM_WRITE | XSD_PERM_OWNER)) !=
	    (XSD_PERM_WRITE | XSD_PERM_OWNER)) {
		errno = EACCES;
		return (-1);
	}
	if ((copy = perm_dup(p, np)) == NULL)
		return (-1);
	free(s->s_perms);
	s->s_perms = copy;
	s->s_nperms = np;
	return (0);
}

/*
 * watch_special_forget
 * A domain went away: drop it from the special paths' permissions (an
 * owner becomes dom0), as xenstored does.
 */
void
watch_special_forget(unsigned int domid)
{
	struct special *s;
	unsigned int i, j;
	size_t k;

	for (k = 0; k < NSPECIALS; k++) {
		s = &specials[k];
		if (s->s_perms[0].p_id == domid)
			s->s_perms[0].p_id = 0;
		for (i = j = 1; i < s->s_nperms; i++)
			if (s->s_perms[i].p_id != domid)
				s->s_perms[j++] = s->s_perms[i];
		s->s_nperms = j;
	}
}

/*
 * watch_add
 * Add a watch on path (absolute or @special) with token to connection c;
 * strip is the length of the prefix to remove from event paths for a
 * watch set with a relative path (0: none).  Returns the watch, or NULL
 * with errno EEXIST (same path and token), E2BIG (a domain connection
 * has too many watches) or ENOMEM.
 */
struct watch *
watch_add(struct conn *c, const char *path, const char *token, size_t strip)
{
	struct watch *w, **pp;

	for (pp = &c->c_watches; *pp != NULL; pp = &(*pp)->w_next)
		if (strcmp((*pp)->w_path, path) == 0 &&
		    strcmp((*pp)->w_token, token) == 0) {
			errno = EEXIST;
			return (NULL);
		}
	if (c->c_dom != NULL && c->c_nwatches >= XSD_MAX_WATCHES) {
		errno = E2BIG;
		return (NULL);
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (NULL);
	if ((w->w_path = strdup(path)) == NULL ||
	    (w->w_token = strdup(token)) == NULL) {
		free(w->w_path);
		free(w);
		errno = ENOMEM;
		return (NULL);
	}
	w->w_strip = strip;
	*pp = w;
	c->c_nwatches++;
	return (w);
}

/*
 * watch_del
 * Remove the watch on path with token from connection c.  Returns 0, or
 * -1 with errno ENOENT when there is no such watch.
 */
int
watch_del(struct conn *c, const char *path, const char *token)
{
	struct watch *w, **pp;

	for (pp = &c->c_watches; (w = *pp) != NULL; pp = &w->w_next)
		if (strcmp(w->w_path, path) == 0 &&
		    strcmp(w->w_token, token) == 0) {
			*pp = w->w_next;
			free(w->w_path);
			free(w->w_token);
			free(w);
			c->c_nwatches--;
			return (0);
		}
	errno = ENOENT;
	return (-1);
}

/* watch_free_all: remove every watch of connection c. */
void
watch_free_all(struct conn *c)
{
	struct watch *w;

	while ((w = c->c_watches) != NULL) {
		c->c_watches = w->w_next;
		free(w->w_path);
		free(w->w_token);
		free(w);
	}
	c->c_nwatches = 0;
}

/*
 * watch_event
 * Queue a WATCH_EVENT for watch w of connection c on path (made
 * relative again for a watch set with a relative path).  Events longer
 * than XENSTORE_PAYLOAD_MAX are dropped, as xenstored does.
 */
void
watch_event(struct conn *c, const struct watch *w, const char *path)
{
	size_t plen, tlen;
	char *buf;

	if (w->w_strip > 0 && strlen(path) >= w->w_strip) {
		path += w->w_strip;
		if (*path == '/')
			path++;
	}
	plen = strlen(path) + 1;
	tlen = strlen(w->w_token) + 1;
	if (plen + tlen > XENSTORE_PAYLOAD_MAX) {
		slog_debug("conn#%u: event for %s too long, dropped",
		    c->c_serial, path);
		return;
	}
	if ((buf = malloc(plen + tlen)) == NULL) {
		conn_kill(c, "out of memory for a watch event");
		return;
	}
	memcpy(buf, path, plen);
	memcpy(buf + plen, w->w_token, tlen);
	conn_send(c, XS_WATCH_EVENT, 0, 0, buf, plen + tlen);
	free(buf);
}

/* watch_is_child: 1 if path is parent or below it. */
static int
watch_is_child(const char *path, const char *parent)
{
	size_t len = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return (path[0] == '/');
	if (strncmp(path, parent, len) != 0)
		return (0);
	return (path[len] == '/' || path[len] == '\0');
}

/*
 * watch_permitted
 * May connection c get an event for the change of path?  It may if it
 * can read the node as it was before a permission change (operms), the
 * node (node, or looked up in the store when NULL), or its parent.
 */
static int
watch_permitted(const struct conn *c, const char *path,
    const struct node *node, const struct perm *operms, unsigned int nop)
{
	const struct node *parent;
	char *pname;

	if (c->c_dom == NULL)
		return (1);
	if (operms != NULL &&
	    (perm_for(c, operms, nop) & XSD_PERM_READ) != 0)
		return (1);
	if (node == NULL && (node = nm_find(&tree_map, path)) == NULL)
		return (0);
	if ((perm_for(c, node->n_perms, node->n_nperms) & XSD_PERM_READ) != 0)
		return (1);
	if ((pname = path_parent(path)) == NULL)
		return (0);
	parent = nm_find(&tree_map, pname);
	free(pname);
	return (parent != NULL && (perm_for(c, parent->n_perms,
	    parent->n_nperms) & XSD_PERM_READ) != 0);
}

/*
 * watch_fire
 * path changed (node: the node if the caller has it, operms: its
 * permissions before a permission change, else NULL).  In a transaction
 * the event is queued for the commit; otherwise every permitted watch
 * on path (exact) or on path or an ancestor (not exact) gets an event.
 */
void
watch_fire(struct tx *tx, const char *path, struct node *node, int exact,
    const struct perm *operms, unsigned int nop)
{
	const struct special *s;
	struct conn *c;
	struct watch *w;
	int match;

	if (tx != NULL) {
		tx_queue_watch(tx, path, exact);
		return;
	}
	s = (path[0] == '@') ? watch_special(path) : NULL;
	for (c = xsd_conns; c != NULL; c = c->c_next) {
		if (c->c_dead || c->c_watches == NULL)
			continue;
		if (path[0] == '@') {
			if (s == NULL || (perm_for(c, s->s_perms,
			    s->s_nperms) & XSD_PERM_READ) == 0)
				continue;
		} else if (!watch_permitted(c, path, node, operms, nop))
			continue;
		for (w = c->c_watches; w != NULL && !c->c_dead;
		    w = w->w_next) {
			if (exact)
				match = strcmp(path, w->w_path) == 0;
			else
				match = watch_is_child(path, w->w_path);
			if (match)
				watch_event(c, w, path);
		}
	}
}
