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
 * The requests of xenstored-sim, one handler per XS_* type.  Payload
 * syntax, replies and error codes follow docs/misc/xenstore.txt and what
 * xenstored 4.17 answers (the version the Debian tools come with): every
 * handler returns 0 once it has queued its reply, or the errno value the
 * dispatcher sends back as an XS_ERROR reply.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

#define OP_NOTID	0x1	/* the tx_id of the request is ignored */
#define OP_PRIV		0x2	/* privileged connections only */

/* The request being handled. */
struct req {
	struct conn			*r_conn;
	struct tx			*r_tx;
	const struct xsd_sockmsg	*r_hdr;
	char				*r_data;	/* payload + a nul */
	unsigned int			 r_len;
};

struct op {
	const char	*o_name;
	int		(*o_fn)(struct req *);
	unsigned int	 o_flags;
};

static int	 op_reply(struct req *, const void *, size_t);
static int	 op_ack(struct req *);
static void	 op_error(struct req *, int);
static const char *op_errstr(int);
static unsigned int op_strings(const struct req *, char **, unsigned int);
static const char *op_onearg(const struct req *);
static unsigned int op_atou(const char *);
static char	*op_canon(const struct req *, const char *);
static struct node *op_get(struct req *, const char *, unsigned int,
		    char **);
static int	 op_errno_from_parents(struct req *, const char *, int,
		    unsigned int);
static struct node *op_create(struct req *, const char *);
static void	 op_rm_tree(struct tx *, struct node *, const char *);
static int	 op_collect_owned(const struct node *, unsigned int, char ***,
		    size_t *);
static int	 op_read(struct req *);
static int	 op_write(struct req *);
static int	 op_mkdir(struct req *);
static int	 op_rm(struct req *);
static int	 op_directory(struct req *);
static int	 op_directory_part(struct req *);
static int	 op_get_perms(struct req *);
static int	 op_set_perms(struct req *);
static int	 op_watch(struct req *);
static int	 op_unwatch(struct req *);
static int	 op_reset_watches(struct req *);
static int	 op_tx_start(struct req *);
static int	 op_tx_end(struct req *);
static int	 op_get_domain_path(struct req *);
static int	 op_introduce(struct req *);
static int	 op_release(struct req *);
static int	 op_is_introduced(struct req *);
static int	 op_resume(struct req *);
static int	 op_set_target(struct req *);
static int	 op_control(struct req *);

static const struct op ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] =		{ "CONTROL", op_control, OP_PRIV },
	[XS_DIRECTORY] =	{ "DIRECTORY", op_directory, 0 },
	[XS_READ] =		{ "READ", op_read, 0 },
	[XS_GET_PERMS] =	{ "GET_PERMS", op_get_perms, 0 },
	[XS_WATCH] =		{ "WATCH", op_watch, OP_NOTID },
	[XS_UNWATCH] =		{ "UNWATCH", op_unwatch, OP_NOTID },
	[XS_TRANSACTION_START] = { "TRANSACTION_START", op_tx_start, 0 },
	[XS_TRANSACTION_END] =	{ "TRANSACTION_END", op_tx_end, 0 },
	[XS_INTRODUCE] =	{ "INTRODUCE", op_introduce, OP_PRIV },
	[XS_RELEASE] =		{ "RELEASE", op_release, OP_PRIV },
	[XS_GET_DOMAIN_PATH] =	{ "GET_DOMAIN_PATH", op_get_domain_path, 0 },
	[XS_WRITE] =		{ "WRITE", op_write, 0 },
	[XS_MKDIR] =		{ "MKDIR", op_mkdir, 0 },
	[XS_RM] =		{ "RM", op_rm, 0 },
	[XS_SET_PERMS] =	{ "SET_PERMS", op_set_perms, 0 },
	[XS_WATCH_EVENT] =	{ "WATCH_EVENT", NULL, 0 },
	[XS_ERROR] =		{ "ERROR", NULL, 0 },
	[XS_IS_DOMAIN_INTRODUCED] =
	    { "IS_DOMAIN_INTRODUCED", op_is_introduced, OP_PRIV },
	[XS_RESUME] =		{ "RESUME", op_resume, OP_PRIV },
	[XS_SET_TARGET] =	{ "SET_TARGET", op_set_target, OP_PRIV },
	[XS_RESET_WATCHES] =	{ "RESET_WATCHES", op_reset_watches, 0 },
	[XS_DIRECTORY_PART] =	{ "DIRECTORY_PART", op_directory_part, 0 },
};

/* The request payload, nul-terminated for the string functions. */
static char op_payload[XENSTORE_PAYLOAD_MAX + 1];

/* op_name: the name of a message type, for logs. */
const char *
op_name(uint32_t type)
{

	if (type < XS_TYPE_COUNT && ops[type].o_name != NULL)
		return (ops[type].o_name);
	return ("UNKNOWN");
}

/*
 * op_dispatch
 * Handle one request of connection c: header hdr and hdr->len bytes of
 * payload.  Checks the length, the type, the privilege and the
 * transaction id, then calls the handler; whatever fails is answered
 * with an XS_ERROR reply carrying the request's req_id and tx_id.
 */
void
op_dispatch(struct conn *c, const struct xsd_sockmsg *hdr,
    const char *payload)
{
	const struct op *o = NULL;
	struct req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.r_conn = c;
	r.r_hdr = hdr;
	r.r_data = op_payload;
	if (hdr->len > XENSTORE_PAYLOAD_MAX) {
		slog_debug("conn#%u: %s with %u bytes of payload: E2BIG",
		    c->c_serial, op_name(hdr->type), hdr->len);
		op_error(&r, E2BIG);
		return;
	}
	memcpy(op_payload, payload, hdr->len);
	op_payload[hdr->len] = '\0';
	r.r_len = hdr->len;
	if (slog_verbosity() > 0)
		slog_debug("conn#%u dom%u > %s req %u tx %u \"%s\"",
		    c->c_serial, c->c_id, op_name(hdr->type), hdr->req_id,
		    hdr->tx_id, xsd_printable(payload, hdr->len));
	if (hdr->type < XS_TYPE_COUNT)
		o = &ops[hdr->type];
	if (o == NULL || o->o_fn == NULL) {
		op_error(&r, ENOSYS);
		return;
	}
	if ((o->o_flags & OP_PRIV) && c->c_dom != NULL) {
		op_error(&r, EACCES);
		return;
	}
	if (!(o->o_flags & OP_NOTID) && hdr->tx_id != 0 &&
	    (r.r_tx = tx_find(c, hdr->tx_id)) == NULL) {
		op_error(&r, ENOENT);
		return;
	}
	if ((rc = o->o_fn(&r)) != 0)
		op_error(&r, rc);
}

/*
 * op_reply
 * Queue the reply to request r.  Returns 0, or E2BIG for a reply longer
 * than XENSTORE_PAYLOAD_MAX (nothing is queued then).
 */
static int
op_reply(struct req *r, const void *data, size_t len)
{

	if (len > XENSTORE_PAYLOAD_MAX)
		return (E2BIG);
	conn_send(r->r_conn, r->r_hdr->type, r->r_hdr->req_id,
	    r->r_hdr->tx_id, data, len);
	return (0);
}

/* op_ack: queue the "OK" reply to request r; returns 0. */
static int
op_ack(struct req *r)
{

	return (op_reply(r, "OK", sizeof("OK")));
}

/* op_error: queue an XS_ERROR reply with the name of errno value err. */
static void
op_error(struct req *r, int err)
{
	const char *s = op_errstr(err);

	conn_send(r->r_conn, XS_ERROR, r->r_hdr->req_id, r->r_hdr->tx_id, s,
	    strlen(s) + 1);
}

/*
 * op_errstr
 * The xs_wire.h name of errno value err; values the protocol cannot
 * carry become "EINVAL", as in xenstored.
 */
static const char *
op_errstr(int err)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return (xsd_errors[i].errstring);
	return ("EINVAL");
}

/*
 * op_strings
 * Count the nul-terminated strings of the payload of r (bytes after the
 * last nul are not counted) and point vec[0..num-1] at the first ones.
 * Returns the count.
 */
static unsigned int
op_strings(const struct req *r, char **vec, unsigned int num)
{
	unsigned int off = 0, n = 0;
	const char *nul;

	while (off < r->r_len &&
	    (nul = memchr(r->r_data + off, '\0', r->r_len - off)) != NULL) {
		if (n < num)
			vec[n] = r->r_data + off;
		n++;
		off = (unsigned int)(nul - r->r_data) + 1;
	}
	return (n);
}

/*
 * op_onearg
 * The single argument of r: the payload must hold exactly one nul, at its
 * end.  Returns it, or NULL for any other shape.
 */
static const char *
op_onearg(const struct req *r)
{

	if (r->r_len == 0 || strlen(r->r_data) != r->r_len - 1)
		return (NULL);
	return (r->r_data);
}

/*
 * op_atou
 * A domain id argument read as xenstored does with atoi(): leading
 * decimal digits, garbage giving 0, as an unsigned int.
 */
static unsigned int
op_atou(const char *s)
{
	long v;

	v = strtol(s, NULL, 10);
	if (v < INT_MIN || v > INT_MAX)
		v = 0;
	return ((unsigned int)v);
}

/*
 * op_canon
 * The absolute form of a path argument of r: a path not starting with /
 * or @ is relative to /local/domain/<domid of the connection>.  Returns
 * an allocated string, or NULL with errno ENOMEM.
 */
static char *
op_canon(const struct req *r, const char *path)
{
	char *p;

	if (path[0] == '/' || path[0] == '@')
		return (strdup(path));
	if (asprintf(&p, "%s/%u/%s", XSD_DOMPATH, r->r_conn->c_id,
	    path) == -1)
		return (NULL);
	return (p);
}

/*
 * op_get
 * xenstored's get_node(): canonicalise and check path arg, find the
 * node in the request's view and check that the connection has all of
 * perm on it.  *namep gets the allocated absolute path (NULL if arg was
 * NULL), which the caller frees.  Returns the node, or NULL with errno
 * EINVAL (bad path), EACCES, ENOENT or ENOMEM; for a missing or denied
 * node the error is EACCES unless the nearest existing ancestor grants
 * one of perm, so that nothing is told about nodes one may not see.
 */
static struct node *
op_get(struct req *r, const char *arg, unsigned int perm, char **namep)
{
	struct node *n;
	char *name;
	int err = 0;

	*namep = NULL;
	if (arg == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	if ((name = op_canon(r, arg)) == NULL)
		return (NULL);
	*namep = name;
	if (!path_valid(name)) {
		errno = EINVAL;
		return (NULL);
	}
	n = tree_lookup(r->r_tx, name);
	if (n == NULL)
		err = errno;
	else if ((perm_for(r->r_conn, n->n_perms, n->n_nperms) & perm) !=
	    perm) {
		n = NULL;
		err = EACCES;
	}
	if (n == NULL) {
		if (err != ENOMEM)
			err = op_errno_from_parents(r, name, err, perm);
		errno = err;
	}
	return (n);
}

/*
 * op_errno_from_parents
 * The error to report for name instead of err: err itself if the
 * connection has one of perm on the nearest existing ancestor of name,
 * else EACCES (ENOMEM when the lookup fails).
 */
static int
op_errno_from_parents(struct req *r, const char *name, int err,
    unsigned int perm)
{
	struct node *n = NULL;
	char *p, *parent;

	if ((p = strdup(name)) == NULL)
		return (ENOMEM);
	do {
		parent = path_parent(p);
		free(p);
		if ((p = parent) == NULL)
			return (ENOMEM);
		if ((n = tree_lookup(r->r_tx, p)) == NULL && errno == ENOMEM) {
			free(p);
			return (ENOMEM);
		}
	} while (n == NULL && strcmp(p, "/") != 0);
	free(p);
	if (n == NULL ||
	    (perm_for(r->r_conn, n->n_perms, n->n_nperms) & perm) == 0)
		return (EACCES);
	return (err);
}

/*
 * op_create
 * Create the node at absolute path name and every missing ancestor, each
 * with an empty value and permissions inherited from its parent.
 * Returns the node, or NULL with errno.
 */
static struct node *
op_create(struct req *r, const char *name)
{
	struct node *parent, *n = NULL;
	char **names = NULL, **nv, *p, *pp;
	size_t nnames = 0, i;
	int err = ENOMEM;

	if ((p = strdup(name)) == NULL)
		return (NULL);
	for (;;) {
		nv = reallocarray(names, nnames + 1, sizeof(*names));
		if (nv == NULL) {
			free(p);
			goto out;
		}
		names = nv;
		names[nnames++] = p;
		if ((pp = path_parent(p)) == NULL)
			goto out;
		if ((parent = tree_lookup(r->r_tx, pp)) != NULL) {
			free(pp);
			break;
		}
		err = errno;
		if (err != ENOENT || strcmp(pp, "/") == 0) {
			free(pp);
			goto out;
		}
		p = pp;
	}
	for (i = nnames; i-- > 0; parent = n)
		if ((n = tree_create(r->r_tx, parent, names[i],
		    r->r_conn)) == NULL) {
			err = errno;
			break;
		}
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (n == NULL)
		errno = err;
	return (n);
}

/*
 * op_rm_tree
 * Delete node n and everything below it, children first, firing for each
 * node its watch event: exact for the nodes below root, the path of the
 * node given to RM, not exact for root itself.
 */
static void
op_rm_tree(struct tx *tx, struct node *n, const char *root)
{
	struct node *kid;
	unsigned int off;
	char *path;

	for (off = 0; off < n->n_klen; off += strlen(n->n_kids + off) + 1) {
		if ((path = path_join(n->n_path, n->n_kids + off)) == NULL) {
			if (tx != NULL)
				tx->t_fail = 1;
			continue;
		}
		if ((kid = tree_lookup(tx, path)) != NULL)
			op_rm_tree(tx, kid, root);
		free(path);
	}
	watch_fire(tx, n->n_path, n, strcmp(n->n_path, root) != 0, NULL, 0);
	tree_delete(tx, n);
}

/*
 * op_rm_node
 * Remove the existing node at absolute path name (not "/") and its
 * subtree in the view of tx.  Returns 0, or an errno value: EINVAL if
 * the parent is missing, ENOMEM.
 */
int
op_rm_node(struct tx *tx, const char *name)
{
	struct node *parent, *n;
	char *pname, *root;

	if ((pname = path_parent(name)) == NULL)
		return (ENOMEM);
	parent = tree_lookup(tx, pname);
	free(pname);
	if (parent == NULL)
		return (errno == ENOMEM ? ENOMEM : EINVAL);
	if ((n = tree_lookup(tx, name)) == NULL)
		return (errno);
	if ((root = strdup(name)) == NULL)
		return (ENOMEM);
	op_rm_tree(tx, n, root);
	/*
	 * A transaction's copies are taken at first access, so its view can
	 * be inconsistent when others changed the store meanwhile; the
	 * commit then fails with EAGAIN.  In the store it is a bug.
	 */
	if (tree_kid_del(parent, path_base(root)) == -1) {
		if (tx != NULL)
			slog_debug("rm %s: not listed in its parent (tx %u)",
			    root, tx->t_id);
		else
			slog_warnx("rm %s: not listed in its parent", root);
	}
	tree_touch(tx, parent);
	free(root);
	return (0);
}

/*
 * op_collect_owned
 * Append to (*list)[*nlist] the paths of the topmost nodes at or below
 * n owned by domid.  Returns 0 or -1 with errno ENOMEM.
 */
static int
op_collect_owned(const struct node *n, unsigned int domid, char ***list,
    size_t *nlist)
{
	const struct node *kid;
	unsigned int off;
	char **nl, *path;
	int rc = 0;

	if (n->n_perms[0].p_id == domid && strcmp(n->n_path, "/") != 0) {
		if ((nl = reallocarray(*list, *nlist + 1, sizeof(**list))) ==
		    NULL)
			return (-1);
		*list = nl;
		if ((nl[*nlist] = strdup(n->n_path)) == NULL)
			return (-1);
		(*nlist)++;
		return (0);
	}
	for (off = 0; off < n->n_klen && rc == 0;
	    off += strlen(n->n_kids + off) + 1) {
		if ((path = path_join(n->n_path, n->n_kids + off)) == NULL)
			return (-1);
		if ((kid = nm_find(&tree_map, path)) != NULL)
			rc = op_collect_owned(kid, domid, list, nlist);
		free(path);
	}
	return (rc);
}

/*
 * op_remove_owned
 * A domain was released: remove every node it owns with its subtree,
 * firing watches, as xenstored does for a domain that goes away.
 */
void
op_remove_owned(unsigned int domid)
{
	const struct node *root;
	char **list = NULL;
	size_t nlist = 0, i;

	if ((root = nm_find(&tree_map, "/")) == NULL)
		return;
	if (op_collect_owned(root, domid, &list, &nlist) == -1)
		slog_warnx("release of domain %u: out of memory, some of its "
		    "nodes are kept", domid);
	for (i = 0; i < nlist; i++) {
		if (nm_find(&tree_map, list[i]) != NULL &&
		    op_rm_node(NULL, list[i]) == 0)
			slog_debug("release of domain %u: removed %s", domid,
			    list[i]);
		free(list[i]);
	}
	free(list);
}

/* READ <path>|: the value. */
static int
op_read(struct req *r)
{
	struct node *n;
	char *name;
	int rc;

	n = op_get(r, op_onearg(r), XSD_PERM_READ, &name);
	rc = (n == NULL) ? errno : op_reply(r, n->n_val, n->n_vlen);
	free(name);
	return (rc);
}

/* WRITE <path>|<value|>: set the value, creating missing nodes. */
static int
op_write(struct req *r)
{
	struct node *n;
	unsigned int off;
	char *name;
	int rc;

	if (op_strings(r, NULL, 0) < 1)
		return (EINVAL);
	off = (unsigned int)strlen(r->r_data) + 1;
	n = op_get(r, r->r_data, XSD_PERM_WRITE, &name);
	if (n == NULL && errno == ENOENT)
		n = op_create(r, name);
	if (n == NULL)
		rc = errno;
	else if (tree_set_value(n, r->r_data + off, r->r_len - off) == -1)
		rc = ENOMEM;
	else {
		tree_touch(r->r_tx, n);
		watch_fire(r->r_tx, name, n, 0, NULL, 0);
		rc = op_ack(r);
	}
	free(name);
	return (rc);
}

/* MKDIR <path>|: create the node if missing. */
static int
op_mkdir(struct req *r)
{
	struct node *n;
	char *name;
	int rc = 0;

	n = op_get(r, op_onearg(r), XSD_PERM_WRITE, &name);
	if (n == NULL) {
		if (errno != ENOENT || (n = op_create(r, name)) == NULL)
			rc = errno;
		else
			watch_fire(r->r_tx, name, n, 0, NULL, 0);
	}
	free(name);
	return (rc ? rc : op_ack(r));
}

/*
 * RM <path>|: remove the node and its subtree; a missing node is fine if
 * its parent exists, ENOENT otherwise.
 */
static int
op_rm(struct req *r)
{
	struct node *n;
	char *name, *pname;
	int rc;

	n = op_get(r, op_onearg(r), XSD_PERM_WRITE, &name);
	if (n == NULL) {
		rc = errno;
		if (rc == ENOENT) {
			if ((pname = path_parent(name)) == NULL)
				rc = ENOMEM;
			else if (tree_lookup(r->r_tx, pname) != NULL)
				rc = 0;
			else if (errno == ENOMEM)
				rc = ENOMEM;
			free(pname);
		}
	} else if (strcmp(name, "/") == 0)
		rc = EINVAL;
	else
		rc = op_rm_node(r->r_tx, name);
	free(name);
	return (rc ? rc : op_ack(r));
}

/* DIRECTORY <path>|: the children's names. */
static int
op_directory(struct req *r)
{
	struct node *n;
	char *name;
	int rc;

	n = op_get(r, op_onearg(r), XSD_PERM_READ, &name);
	rc = (n == NULL) ? errno : op_reply(r, n->n_kids, n->n_klen);
	free(name);
	return (rc);
}

/*
 * DIRECTORY_PART <path>|<offset>|: <generation>| and the children's
 * names from byte offset on, as many as fit, followed by an empty name
 * when the list ends in this part.
 */
static int
op_directory_part(struct req *r)
{
	char *vec[2], *name, *buf, gen[24];
	unsigned int off, len, genlen, max;
	struct node *n;
	long v;
	int rc;

	if (op_strings(r, vec, 2) != 2)
		return (EINVAL);
	if ((n = op_get(r, vec[0], XSD_PERM_READ, &name)) == NULL) {
		rc = errno;
		free(name);
		return (rc);
	}
	free(name);
	/* the offset read as xenstored does, with atoi() */
	v = strtol(vec[1], NULL, 10);
	off = (v < 0 || v > INT_MAX) ? UINT_MAX : (unsigned int)v;
	genlen = (unsigned int)snprintf(gen, sizeof(gen), "%llu",
	    (unsigned long long)n->n_gen) + 1;
	if (off >= n->n_klen) {
		gen[genlen] = '\0';
		return (op_reply(r, gen, genlen + 1));
	}
	max = XENSTORE_PAYLOAD_MAX - genlen - 1;
	len = 0;
	while (off + len < n->n_klen &&
	    len + strlen(n->n_kids + off + len) < max)
		len += (unsigned int)strlen(n->n_kids + off + len) + 1;
	if ((buf = malloc(genlen + len + 1)) == NULL)
		return (ENOMEM);
	memcpy(buf, gen, genlen);
	memcpy(buf + genlen, n->n_kids + off, len);
	if (off + len == n->n_klen)
		buf[genlen + len++] = '\0';
	rc = op_reply(r, buf, genlen + len);
	free(buf);
	return (rc);
}

/* GET_PERMS <path>|: the permission strings. */
static int
op_get_perms(struct req *r)
{
	struct node *n;
	unsigned int len;
	char *name, *s;
	int rc;

	n = op_get(r, op_onearg(r), XSD_PERM_READ, &name);
	if (n == NULL)
		rc = errno;
	else if ((s = perm_format(n->n_perms, n->n_nperms, &len)) == NULL)
		rc = errno;
	else {
		rc = op_reply(r, s, len);
		free(s);
	}
	free(name);
	return (rc);
}

/*
 * SET_PERMS <path>|<perm>|+: replace the permissions; needs write and
 * owner access, and only privileged connections may change the owner.
 */
static int
op_set_perms(struct req *r)
{
	struct perm *p = NULL, *old = NULL;
	unsigned int np, nold;
	struct node *n;
	char *name = NULL;
	int rc = 0;

	np = op_strings(r, NULL, 0);
	if (np < 2)
		return (EINVAL);
	np--;
	if (r->r_conn->c_dom != NULL && np > XSD_MAX_PERMS)
		return (ENOSPC);
	if (perm_parse(r->r_data + strlen(r->r_data) + 1, np, &p) == -1)
		return (errno);
	if (r->r_data[0] == '@') {
		if (watch_special_set(r->r_conn, r->r_data, p, np) == -1)
			rc = errno;
		goto out;
	}
	n = op_get(r, r->r_data, XSD_PERM_WRITE | XSD_PERM_OWNER, &name);
	if (n == NULL) {
		rc = errno;
		goto out;
	}
	if (r->r_conn->c_dom != NULL && p[0].p_id != n->n_perms[0].p_id) {
		rc = EPERM;
		goto out;
	}
	nold = n->n_nperms;
	if ((old = perm_dup(n->n_perms, nold)) == NULL ||
	    tree_set_perms(n, p, np) == -1) {
		rc = ENOMEM;
		goto out;
	}
	tree_touch(r->r_tx, n);
	watch_fire(r->r_tx, name, n, 0, old, nold);
out:
	free(p);
	free(old);
	free(name);
	return (rc ? rc : op_ack(r));
}

/*
 * WATCH <path>|<token>|: add a watch, then send its initial event.  A
 * relative path gives relative event paths.
 */
static int
op_watch(struct req *r)
{
	struct watch *w;
	char *vec[2], *path;
	size_t strip = 0;
	int rc = 0;

	if (op_strings(r, vec, 2) != 2)
		return (EINVAL);
	if (vec[0][0] == '@' && strlen(vec[0]) > XENSTORE_REL_PATH_MAX)
		return (EINVAL);
	if ((path = op_canon(r, vec[0])) == NULL)
		return (ENOMEM);
	if (vec[0][0] != '@' && !path_valid(path))
		rc = EINVAL;
	else {
		if (vec[0][0] != '@' && vec[0][0] != '/')
			strip = strlen(path) - strlen(vec[0]) - 1;
		if ((w = watch_add(r->r_conn, path, vec[1], strip)) == NULL)
			rc = errno;
		else if ((rc = op_ack(r)) == 0)
			watch_event(r->r_conn, w, w->w_path);
	}
	free(path);
	return (rc);
}

/* UNWATCH <path>|<token>|: remove a watch. */
static int
op_unwatch(struct req *r)
{
	char *vec[2], *path;
	int rc = 0;

	if (op_strings(r, vec, 2) != 2)
		return (EINVAL);
	if ((path = op_canon(r, vec[0])) == NULL)
		return (ENOMEM);
	if (watch_del(r->r_conn, path, vec[1]) == -1)
		rc = errno;
	free(path);
	return (rc ? rc : op_ack(r));
}

/* RESET_WATCHES: drop every watch and transaction of the connection. */
static int
op_reset_watches(struct req *r)
{

	watch_free_all(r->r_conn);
	tx_free_all(r->r_conn);
	return (op_ack(r));
}

/* TRANSACTION_START |: a new transaction id. */
static int
op_tx_start(struct req *r)
{
	struct tx *t;
	char id[16];

	if (r->r_tx != NULL)
		return (EBUSY);
	if (r->r_conn->c_dom != NULL && r->r_conn->c_ntxs >= XSD_MAX_TX)
		return (ENOSPC);
	if ((t = tx_start(r->r_conn)) == NULL)
		return (ENOMEM);
	(void)snprintf(id, sizeof(id), "%u", t->t_id);
	return (op_reply(r, id, strlen(id) + 1));
}

/* TRANSACTION_END T|F|: commit (EAGAIN on a conflict) or abort. */
static int
op_tx_end(struct req *r)
{
	const char *arg = op_onearg(r);
	int rc;

	if (arg == NULL || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0))
		return (EINVAL);
	if (r->r_tx == NULL)
		return (ENOENT);
	rc = tx_end(r->r_tx, arg[0] == 'T');
	r->r_tx = NULL;
	return (rc ? rc : op_ack(r));
}

/* GET_DOMAIN_PATH <domid>|: /local/domain/<domid>. */
static int
op_get_domain_path(struct req *r)
{
	const char *arg = op_onearg(r);
	char path[32];

	if (arg == NULL)
		return (EINVAL);
	(void)snprintf(path, sizeof(path), "%s/%u", XSD_DOMPATH,
	    op_atou(arg));
	return (op_reply(r, path, strlen(path) + 1));
}

/*
 * INTRODUCE <domid>|<gfn>|<evtchn>|: the domain gets its socket
 * "<SOCKET>.d<domid>" and @introduceDomain fires (not for a domain
 * introduced already).
 */
static int
op_introduce(struct req *r)
{
	char *vec[3];
	unsigned int domid;
	int fresh;

	if (op_strings(r, vec, 3) < 3)
		return (EINVAL);
	domid = op_atou(vec[0]);
	if ((int)op_atou(vec[2]) <= 0 || domid == 0 || domid > XSD_DOMID_MAX)
		return (EINVAL);
	if (dom_introduce(domid, &fresh) == -1)
		return (errno);
	if (fresh)
		watch_fire(NULL, "@introduceDomain", NULL, 1, NULL, 0);
	return (op_ack(r));
}

/*
 * RELEASE <domid>|: close the domain's socket and connections, remove
 * the nodes it owns, fire @releaseDomain.
 */
static int
op_release(struct req *r)
{
	const char *arg = op_onearg(r);
	unsigned int domid;

	if (arg == NULL || (domid = op_atou(arg)) == 0)
		return (EINVAL);
	if (dom_release(domid) == -1)
		return (errno);
	op_remove_owned(domid);
	watch_special_forget(domid);
	watch_fire(NULL, "@releaseDomain", NULL, 1, NULL, 0);
	return (op_ack(r));
}

/* IS_DOMAIN_INTRODUCED <domid>|: T| or F| (dom0 and DOMID_SELF: T). */
static int
op_is_introduced(struct req *r)
{
	const char *arg = op_onearg(r);
	unsigned int domid;

	if (arg == NULL)
		return (EINVAL);
	domid = op_atou(arg);
	if (domid == 0 || domid == XSD_DOMID_SELF || dom_find(domid) != NULL)
		return (op_reply(r, "T", 2));
	return (op_reply(r, "F", 2));
}

/*
 * RESUME <domid>|: nothing to do here (there is no domain shutdown to
 * re-arm), but the domain must be introduced.
 */
static int
op_resume(struct req *r)
{
	const char *arg = op_onearg(r);
	unsigned int domid;

	if (arg == NULL || (domid = op_atou(arg)) == 0)
		return (EINVAL);
	if (dom_find(domid) == NULL)
		return (ENOENT);
	return (op_ack(r));
}

/*
 * SET_TARGET <domid>|<tdomid>|: connections of domid get the access of
 * tdomid too (device model stub domains).  Both must be introduced.
 */
static int
op_set_target(struct req *r)
{
	struct domain *d;
	unsigned int tdomid;
	char *vec[2];

	if (op_strings(r, vec, 2) < 2)
		return (EINVAL);
	tdomid = op_atou(vec[1]);
	if ((d = dom_find(op_atou(vec[0]))) == NULL ||
	    (tdomid != 0 && dom_find(tdomid) == NULL))
		return (ENOENT);
	d->d_has_target = 1;
	d->d_target = tdomid;
	return (op_ack(r));
}

/*
 * CONTROL <command>|[<arg>|]*: "check" (check the store), "help",
 * "log" [on|off] and "print" <string> (to the log).  Anything else is
 * EINVAL.
 */
static int
op_control(struct req *r)
{
	static const char help[] = "check\t\nhelp\t\nlog\ton|off\n"
	    "print\t<string>\n";
	unsigned int n;
	char *vec[3];

	if ((n = op_strings(r, vec, 3)) < 1)
		return (EINVAL);
	n--;
	if (strcmp(vec[0], "check") == 0)
		return (tree_check() == -1 ? errno : op_ack(r));
	if (strcmp(vec[0], "help") == 0 && n == 0)
		return (op_reply(r, help, sizeof(help)));
	if (strcmp(vec[0], "log") == 0 && (n == 0 || (n == 1 &&
	    (strcmp(vec[1], "on") == 0 || strcmp(vec[1], "off") == 0))))
		return (op_ack(r));
	if (strcmp(vec[0], "print") == 0 && n == 1) {
		slog_info("control: %s", vec[1]);
		return (op_ack(r));
	}
	return (EINVAL);
}
