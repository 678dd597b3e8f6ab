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
 * The node store of xenstored-sim: a hash map of nodes keyed by their
 * absolute path, each node keeping its children's names in creation
 * order (as xenstored lists them), plus path and permission helpers.
 *
 * Every function taking a struct tx works on the transaction's view when
 * the tx is not NULL (see xsd-tx.c) and on the store itself otherwise.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

#define NM_MINSIZE	64

static int	 tree_add_initial(const char *, const char *);
static int	 tree_kid_add(struct node *, const char *);
static int	 tree_check_node(const struct node *, size_t *);
static uint64_t	 nm_hash(const char *);
static int	 nm_grow(struct nodemap *);
static int	 path_chars_ok(const char *);

struct nodemap	tree_map;
uint64_t	tree_gen;

/*
 * tree_init
 * Create the store as a fresh dom0 xenstored has it: /, /local,
 * /local/domain, /local/domain/0 with name and domid, and /tool, all
 * with permissions "n0".  Returns 0, or -1 with errno on failure.
 */
int
tree_init(void)
{
	struct node *root;

	if (nm_init(&tree_map) == -1)
		return (-1);
	if ((root = calloc(1, sizeof(*root))) == NULL)
		return (-1);
	root->n_path = strdup("/");
	root->n_perms = calloc(1, sizeof(*root->n_perms));
	if (root->n_path == NULL || root->n_perms == NULL) {
		node_free(root);
		return (-1);
	}
	root->n_nperms = 1;
	root->n_exists = 1;
	root->n_gen = ++tree_gen;
	nm_insert(&tree_map, root);
	if (tree_add_initial("/local", NULL) == -1 ||
	    tree_add_initial("/local/domain", NULL) == -1 ||
	    tree_add_initial("/local/domain/0", NULL) == -1 ||
	    tree_add_initial("/local/domain/0/name", "Domain-0") == -1 ||
	    tree_add_initial("/local/domain/0/domid", "0") == -1 ||
	    tree_add_initial("/tool", NULL) == -1)
		return (-1);
	return (0);
}

/*
 * tree_add_initial
 * Create one node of the initial store below its existing parent, with
 * the given value (NULL: empty).  Returns 0 or -1 with errno.
 */
static int
tree_add_initial(const char *path, const char *val)
{
	struct node *parent, *n;
	char *pname;

	if ((pname = path_parent(path)) == NULL)
		return (-1);
	parent = nm_find(&tree_map, pname);
	free(pname);
	if (parent == NULL) {
		errno = ENOENT;
		return (-1);
	}
	if ((n = tree_create(NULL, parent, path, NULL)) == NULL)
		return (-1);
	if (val != NULL && tree_set_value(n, val, strlen(val)) == -1)
		return (-1);
	return (0);
}

/* tree_free: release the whole store. */
void
tree_free(void)
{

	nm_free(&tree_map);
}

/*
 * tree_lookup
 * Find the node at an absolute path in the view of tx (NULL: the store).
 * In a transaction the access is recorded for the commit check.  Returns
 * the node, or NULL with errno ENOENT (no such node) or ENOMEM.
 */
struct node *
tree_lookup(struct tx *tx, const char *path)
{
	struct node *n;

	if (tx == NULL) {
		if ((n = nm_find(&tree_map, path)) == NULL)
			errno = ENOENT;
		return (n);
	}
	if ((n = tx_access(tx, path)) == NULL)
		return (NULL);
	if (!n->n_exists) {
		errno = ENOENT;
		return (NULL);
	}
	return (n);
}

/*
 * tree_create
 * Create the node at path below parent (which must be its parent in the
 * same view) with an empty value.  As xenstored does, the new node
 * inherits the parent's permissions, and a node created by an
 * unprivileged connection is owned by that connection's domain (conn
 * NULL: privileged).  Returns the node, or NULL with errno.
 */
struct node *
tree_create(struct tx *tx, struct node *parent, const char *path,
    const struct conn *conn)
{
	struct node *n;
	struct perm *perms;

	if ((perms = perm_dup(parent->n_perms, parent->n_nperms)) == NULL)
		goto fail;
	if (conn != NULL && conn->c_dom != NULL)
		perms[0].p_id = conn->c_id;
	if (tx == NULL) {
		if ((n = calloc(1, sizeof(*n))) == NULL)
			goto fail;
		if ((n->n_path = strdup(path)) == NULL) {
			node_free(n);
			goto fail;
		}
		nm_insert(&tree_map, n);
		n->n_exists = 1;
	} else {
		if ((n = tx_access(tx, path)) == NULL)
			goto fail;
		if (n->n_exists) {
			free(perms);
			errno = EEXIST;
			return (NULL);
		}
		n->n_exists = 1;
	}
	if (tree_kid_add(parent, path_base(path)) == -1) {
		free(perms);
		tree_delete(tx, n);
		errno = ENOMEM;
		return (NULL);
	}
	n->n_perms = perms;
	n->n_nperms = parent->n_nperms;
	tree_touch(tx, parent);
	tree_touch(tx, n);
	return (n);
fail:
	free(perms);
	if (tx != NULL)
		tx->t_fail = 1;
	errno = ENOMEM;
	return (NULL);
}

/*
 * tree_touch
 * Record a change of node n: give it a new generation and, in a
 * transaction, mark the copy for writing back at commit.
 */
void
tree_touch(struct tx *tx, struct node *n)
{

	n->n_gen = ++tree_gen;
	if (tx != NULL)
		n->n_modified = 1;
}

/*
 * tree_set_value
 * Replace the value of n by len bytes of val (the caller touches the
 * node).  Returns 0, or -1 with errno ENOMEM.
 */
int
tree_set_value(struct node *n, const char *val, unsigned int len)
{
	char *v = NULL;

	if (len > 0) {
		if ((v = malloc(len + 1)) == NULL)
			return (-1);
		memcpy(v, val, len);
		v[len] = '\0';
	}
	free(n->n_val);
	n->n_val = v;
	n->n_vlen = len;
	return (0);
}

/*
 * tree_set_perms
 * Replace the permissions of n by a copy of p[0..np-1] (the caller
 * touches the node).  Returns 0, or -1 with errno ENOMEM.
 */
int
tree_set_perms(struct node *n, const struct perm *p, unsigned int np)
{
	struct perm *c;

	if ((c = perm_dup(p, np)) == NULL)
		return (-1);
	free(n->n_perms);
	n->n_perms = c;
	n->n_nperms = np;
	return (0);
}

/*
 * tree_delete
 * Delete node n (not its children, not its entry in the parent's list
 * of children: the caller does both).  In the store the node is freed;
 * in a transaction the copy is kept, marked missing and modified.
 */
void
tree_delete(struct tx *tx, struct node *n)
{

	if (tx == NULL) {
		nm_remove(&tree_map, n);
		node_free(n);
		return;
	}
	free(n->n_val);
	free(n->n_perms);
	free(n->n_kids);
	n->n_val = n->n_kids = NULL;
	n->n_perms = NULL;
	n->n_vlen = n->n_nperms = n->n_klen = n->n_kcap = 0;
	n->n_exists = 0;
	tree_touch(tx, n);
}

/*
 * tree_kid_add
 * Append name to the children of n.  Returns 0 or -1 with errno.
 */
static int
tree_kid_add(struct node *n, const char *name)
{
	size_t len = strlen(name) + 1;
	unsigned int cap;
	char *k;

	if (n->n_klen + len > n->n_kcap) {
		cap = n->n_kcap ? n->n_kcap : 64;
		while (cap < n->n_klen + len)
			cap *= 2;
		if ((k = realloc(n->n_kids, cap)) == NULL)
			return (-1);
		n->n_kids = k;
		n->n_kcap = cap;
	}
	memcpy(n->n_kids + n->n_klen, name, len);
	n->n_klen += len;
	return (0);
}

/*
 * tree_kid_del
 * Remove name from the children of n (the caller touches n).  Returns 0,
 * or -1 with errno ENOENT when n has no such child.
 */
int
tree_kid_del(struct node *n, const char *name)
{
	unsigned int off, len;

	for (off = 0; off < n->n_klen; off += len) {
		len = strlen(n->n_kids + off) + 1;
		if (strcmp(n->n_kids + off, name) == 0) {
			memmove(n->n_kids + off, n->n_kids + off + len,
			    n->n_klen - off - len);
			n->n_klen -= len;
			return (0);
		}
	}
	errno = ENOENT;
	return (-1);
}

/*
 * tree_check
 * Check the store: every listed child exists, every node is reachable
 * from / and has at least one permission entry.  Returns 0, or -1 with
 * errno EIO when the store is inconsistent.
 */
int
tree_check(void)
{
	const struct node *root;
	size_t count = 0;

	if ((root = nm_find(&tree_map, "/")) == NULL ||
	    tree_check_node(root, &count) == -1 ||
	    count != tree_map.nm_count) {
		errno = EIO;
		return (-1);
	}
	return (0);
}

/*
 * tree_check_node
 * Check node n and, recursively, its children; count the nodes seen.
 * Returns 0 or -1 on the first inconsistency found.
 */
static int
tree_check_node(const struct node *n, size_t *count)
{
	const struct node *kid;
	unsigned int off;
	char *path;
	int rc;

	(*count)++;
	if (n->n_nperms == 0 || n->n_perms == NULL)
		return (-1);
	for (off = 0; off < n->n_klen; off += strlen(n->n_kids + off) + 1) {
		if ((path = path_join(n->n_path, n->n_kids + off)) == NULL)
			return (-1);
		kid = nm_find(&tree_map, path);
		free(path);
		if (kid == NULL)
			return (-1);
		rc = tree_check_node(kid, count);
		if (rc == -1)
			return (-1);
	}
	return (0);
}

/* node_free: release node n and everything it owns. */
void
node_free(struct node *n)
{

	if (n == NULL)
		return;
	free(n->n_path);
	free(n->n_val);
	free(n->n_perms);
	free(n->n_kids);
	free(n->n_operms);
	free(n);
}

/*
 * node_copy
 * Give dst (whose value, permissions and children are empty) copies of
 * those of src and its generation.  Returns 0 or -1 with errno ENOMEM.
 */
int
node_copy(struct node *dst, const struct node *src)
{

	if (tree_set_value(dst, src->n_val, src->n_vlen) == -1 ||
	    tree_set_perms(dst, src->n_perms, src->n_nperms) == -1)
		return (-1);
	if (src->n_klen > 0) {
		if ((dst->n_kids = malloc(src->n_klen)) == NULL)
			return (-1);
		memcpy(dst->n_kids, src->n_kids, src->n_klen);
		dst->n_klen = dst->n_kcap = src->n_klen;
	}
	dst->n_gen = src->n_gen;
	return (0);
}

/* nm_init: make an empty map.  Returns 0 or -1 with errno. */
int
nm_init(struct nodemap *m)
{

	m->nm_count = 0;
	m->nm_size = NM_MINSIZE;
	if ((m->nm_tab = calloc(m->nm_size, sizeof(*m->nm_tab))) == NULL)
		return (-1);
	return (0);
}

/* nm_free: free a map and every node in it. */
void
nm_free(struct nodemap *m)
{
	struct node *n, *next;
	size_t i;

	if (m->nm_tab == NULL)
		return;
	for (i = 0; i < m->nm_size; i++)
		for (n = m->nm_tab[i]; n != NULL; n = next) {
			next = n->n_hnext;
			node_free(n);
		}
	free(m->nm_tab);
	m->nm_tab = NULL;
	m->nm_count = m->nm_size = 0;
}

/* nm_hash: FNV-1a of a string. */
static uint64_t
nm_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (h);
}

/* nm_find: the node with this path in map m, or NULL. */
struct node *
nm_find(const struct nodemap *m, const char *path)
{
	struct node *n;

	n = m->nm_tab[nm_hash(path) & (m->nm_size - 1)];
	for (; n != NULL; n = n->n_hnext)
		if (strcmp(n->n_path, path) == 0)
			return (n);
	return (NULL);
}

/*
 * nm_grow
 * Double the number of buckets of m.  Returns 0, or -1 with errno (the
 * map stays usable as it was).
 */
static int
nm_grow(struct nodemap *m)
{
	struct node **tab, *n, *next;
	size_t i, size = m->nm_size * 2, b;

	if ((tab = calloc(size, sizeof(*tab))) == NULL)
		return (-1);
	for (i = 0; i < m->nm_size; i++)
		for (n = m->nm_tab[i]; n != NULL; n = next) {
			next = n->n_hnext;
			b = nm_hash(n->n_path) & (size - 1);
			n->n_hnext = tab[b];
			tab[b] = n;
		}
	free(m->nm_tab);
	m->nm_tab = tab;
	m->nm_size = size;
	return (0);
}

/*
 * nm_insert
 * Add node n (whose path is not in m yet) to map m.  This cannot fail:
 * when the table cannot grow, its chains just get longer.
 */
void
nm_insert(struct nodemap *m, struct node *n)
{
	size_t b;

	if (m->nm_count >= m->nm_size)
		(void)nm_grow(m);
	b = nm_hash(n->n_path) & (m->nm_size - 1);
	n->n_hnext = m->nm_tab[b];
	m->nm_tab[b] = n;
	m->nm_count++;
}

/* nm_remove: take node n out of map m (it must be there). */
void
nm_remove(struct nodemap *m, struct node *n)
{
	struct node **pp;

	pp = &m->nm_tab[nm_hash(n->n_path) & (m->nm_size - 1)];
	for (; *pp != NULL; pp = &(*pp)->n_hnext)
		if (*pp == n) {
			*pp = n->n_hnext;
			n->n_hnext = NULL;
			m->nm_count--;
			return;
		}
}

/* path_chars_ok: 1 if path has only the characters xenstore allows. */
static int
path_chars_ok(const char *path)
{

	return (strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-/_@") == strlen(path));
}

/*
 * path_valid
 * Is path a valid absolute node name, as xenstored checks it: starts
 * with /, no trailing / (but "/"), no //, only [A-Za-z0-9-/_@], and at
 * most XENSTORE_REL_PATH_MAX bytes below /local/domain/<domid>/ (or in
 * all for other paths), never more than XENSTORE_ABS_PATH_MAX.
 * Returns 1 if valid, 0 if not.
 */
int
path_valid(const char *path)
{
	static const char dp[] = XSD_DOMPATH "/";
	size_t len = strlen(path), off = 0, i;

	if (path[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
		return (0);
	if (len > 1 && path[len - 1] == '/')
		return (0);
	if (strstr(path, "//") != NULL)
		return (0);
	if (strncmp(path, dp, sizeof(dp) - 1) == 0) {
		i = sizeof(dp) - 1;
		while (path[i] >= '0' && path[i] <= '9' &&
		    i < sizeof(dp) - 1 + 5)
			i++;
		if (i > sizeof(dp) - 1 && path[i] == '/')
			off = i + 1;
	}
	if (len > off + XENSTORE_REL_PATH_MAX)
		return (0);
	return (path_chars_ok(path));
}

/*
 * path_parent
 * The parent of an absolute path ("/" for "/" and for top-level nodes),
 * allocated.  Returns NULL with errno ENOMEM on failure.
 */
char *
path_parent(const char *path)
{
	const char *slash;
	char *p;
	size_t len;

	slash = strrchr(path, '/');
	len = (slash == NULL || slash == path) ? 1 : (size_t)(slash - path);
	if ((p = malloc(len + 1)) == NULL)
		return (NULL);
	memcpy(p, path, len);
	p[len] = '\0';
	if (len == 1)
		p[0] = '/';
	return (p);
}

/*
 * path_join
 * The path of child name below dir, allocated, or NULL with errno.
 */
char *
path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir,
	    name) == -1)
		return (NULL);
	return (p);
}

/* path_base: the last component of an absolute path. */
const char *
path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return (slash == NULL ? path : slash + 1);
}

/*
 * perm_for
 * The access (XSD_PERM_* bits) connection c has to a node with
 * permissions p[0..np-1], as xenstored computes it: privileged
 * connections (c NULL or on the main socket) and the owner (or a domain
 * targeting the owner) get everything; otherwise the first entry naming
 * the domain (or its target) applies, else the owner's default.
 */
unsigned int
perm_for(const struct conn *c, const struct perm *p, unsigned int np)
{
	const struct domain *d;
	unsigned int i;

	if (c == NULL || c->c_dom == NULL)
		return (XSD_PERM_ALL);
	d = c->c_dom;
	if (np == 0)
		return (XSD_PERM_NONE);
	if (p[0].p_id == c->c_id ||
	    (d->d_has_target && p[0].p_id == d->d_target))
		return (XSD_PERM_ALL);
	for (i = 1; i < np; i++)
		if (p[i].p_id == c->c_id ||
		    (d->d_has_target && p[i].p_id == d->d_target))
			return (p[i].p_perm);
	return (p[0].p_perm);
}

/*
 * perm_parse
 * Parse np nul-terminated permission strings ("r5", "w0", "b3", "n0")
 * starting at s into an allocated array.  The domain id is a number in
 * C syntax (as xenstored reads it) up to 65535.  Returns 0, or -1 with
 * errno EINVAL (bad string) or ENOMEM.
 */
int
perm_parse(const char *s, unsigned int np, struct perm **out)
{
	struct perm *p;
	unsigned int i;
	char *end;
	long id;

	if ((p = calloc(np, sizeof(*p))) == NULL)
		return (-1);
	for (i = 0; i < np; i++) {
		switch (*s) {
		case 'n':
			p[i].p_perm = XSD_PERM_NONE;
			break;
		case 'r':
			p[i].p_perm = XSD_PERM_READ;
			break;
		case 'w':
			p[i].p_perm = XSD_PERM_WRITE;
			break;
		case 'b':
			p[i].p_perm = XSD_PERM_BOTH;
			break;
		default:
			goto inval;
		}
		s++;
		errno = 0;
		id = strtol(s, &end, 0);
		if (*s == '\0' || *end != '\0' || errno != 0 || id < 0 ||
		    id > 65535)
			goto inval;
		p[i].p_id = (unsigned int)id;
		s = end + 1;
	}
	*out = p;
	return (0);
inval:
	free(p);
	errno = EINVAL;
	return (-1);
}

/*
 * perm_format
 * Format permissions p[0..np-1] as nul-terminated strings, as in a
 * GET_PERMS reply.  Returns the allocated strings with their total length
 * in *lenp, or NULL with errno ENOMEM.
 */
char *
perm_format(const struct perm *p, unsigned int np, unsigned int *lenp)
{
	static const char letter[] = "nrwb";
	char *buf;
	unsigned int i;
	size_t off = 0;
	int n;

	/* "b65535" and its nul: 7 bytes an entry at most. */
	if ((buf = malloc((size_t)np * 8 + 1)) == NULL)
		return (NULL);
	for (i = 0; i < np; i++) {
		n = snprintf(buf + off, 8, "%c%u",
		    letter[p[i].p_perm & XSD_PERM_BOTH], p[i].p_id);
		if (n < 0 || n >= 8) {
			free(buf);
			errno = EINVAL;
			return (NULL);
		}
		off += (size_t)n + 1;
	}
	*lenp = (unsigned int)off;
	return (buf);
}

/* perm_dup: an allocated copy of p[0..np-1], or NULL with errno. */
struct perm *
perm_dup(const struct perm *p, unsigned int np)
{
	struct perm *c;

	if ((c = calloc(np ? np : 1, sizeof(*c))) == NULL)
		return (NULL);
	if (np > 0)
		memcpy(c, p, np * sizeof(*c));
	return (c);
}
