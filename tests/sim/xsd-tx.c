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
 * Transactions of xenstored-sim, with the semantics of xenstored 4.x:
 * the first time a transaction touches a node (read, write, delete, or
 * a lookup that finds nothing) it takes a private copy of the node as
 * the store has it then, with the node's generation.  Everything the
 * transaction does afterwards reads and changes its copies only, so it
 * sees its own writes and nobody else sees them.  At commit, if the
 * generation of any touched node in the store differs from the one
 * copied (someone else changed, created or deleted it meanwhile), the
 * commit fails with EAGAIN; otherwise the modified copies replace the
 * nodes of the store and the watch events queued during the
 * transaction fire.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static void	 tx_unlink(struct tx *);
static void	 tx_free(struct tx *);
static int	 tx_commit(struct tx *);
static void	 tx_write_back(struct node *, struct node *);

/* tx_find: the transaction of connection c with this id, or NULL. */
struct tx *
tx_find(struct conn *c, uint32_t id)
{
	struct tx *t;

	for (t = c->c_txs; t != NULL; t = t->t_next)
		if (t->t_id == id)
			return (t);
	return (NULL);
}

/*
 * tx_start
 * Start a transaction on connection c with an id not in use on it (never
 * 0).  Returns it, or NULL with errno ENOMEM.
 */
struct tx *
tx_start(struct conn *c)
{
	struct tx *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	if (nm_init(&t->t_map) == -1) {
		free(t);
		return (NULL);
	}
	do {
		t->t_id = c->c_next_txid++;
	} while (t->t_id == 0 || tx_find(c, t->t_id) != NULL);
	t->t_conn = c;
	t->t_next = c->c_txs;
	c->c_txs = t;
	c->c_ntxs++;
	return (t);
}

/* tx_unlink: take t off its connection's list. */
static void
tx_unlink(struct tx *t)
{
	struct tx **pp;

	for (pp = &t->t_conn->c_txs; *pp != NULL; pp = &(*pp)->t_next)
		if (*pp == t) {
			*pp = t->t_next;
			t->t_conn->c_ntxs--;
			return;
		}
}

/* tx_free: free t and its copies (t must be unlinked). */
static void
tx_free(struct tx *t)
{

	nm_free(&t->t_map);
	free(t);
}

/*
 * tx_end
 * End transaction t: commit it if commit is set, else discard it; t is
 * freed either way.  Returns 0, or an errno value: EAGAIN when another
 * change conflicts, ENOMEM when the transaction lost a change for lack
 * of memory or the commit could not allocate.
 */
int
tx_end(struct tx *t, int commit)
{
	int rc = 0;

	tx_unlink(t);
	if (commit)
		rc = tx_commit(t);
	tx_free(t);
	return (rc);
}

/* tx_free_all: discard every transaction of connection c. */
void
tx_free_all(struct conn *c)
{
	struct tx *t;

	while ((t = c->c_txs) != NULL) {
		tx_unlink(t);
		tx_free(t);
	}
}

/*
 * tx_commit
 * Check t against the store and, when nothing conflicts, write its
 * modified copies back and fire its queued watch events.  The new nodes
 * are allocated before anything changes, so that a failure leaves the
 * store as it was.  Returns 0 or an errno value (EAGAIN, ENOMEM).
 */
static int
tx_commit(struct tx *t)
{
	struct node *c, *g, **fresh;
	size_t nfresh = 0, i;
	uint64_t gen;

	if (t->t_fail)
		return (ENOMEM);
	for (c = t->t_first; c != NULL; c = c->n_anext) {
		g = nm_find(&tree_map, c->n_path);
		gen = (g != NULL) ? g->n_gen : XSD_NOGEN;
		if (gen != c->n_seen)
			return (EAGAIN);
		if (c->n_modified && c->n_exists && g == NULL)
			nfresh++;
	}
	if ((fresh = calloc(nfresh ? nfresh : 1, sizeof(*fresh))) == NULL)
		return (ENOMEM);
	i = 0;
	for (c = t->t_first; c != NULL; c = c->n_anext) {
		if (!c->n_modified || !c->n_exists ||
		    nm_find(&tree_map, c->n_path) != NULL)
			continue;
		if ((fresh[i] = calloc(1, sizeof(**fresh))) == NULL ||
		    (fresh[i]->n_path = strdup(c->n_path)) == NULL) {
			for (nfresh = 0; nfresh <= i; nfresh++)
				node_free(fresh[nfresh]);
			free(fresh);
			return (ENOMEM);
		}
		i++;
	}
	i = 0;
	for (c = t->t_first; c != NULL; c = c->n_anext) {
		if (!c->n_modified)
			continue;
		g = nm_find(&tree_map, c->n_path);
		if (c->n_exists) {
			if (g == NULL) {
				g = fresh[i++];
				g->n_exists = 1;
				nm_insert(&tree_map, g);
			}
			tx_write_back(g, c);
		} else if (g != NULL) {
			nm_remove(&tree_map, g);
			node_free(g);
		}
	}
	free(fresh);
	for (c = t->t_first; c != NULL; c = c->n_anext)
		if (c->n_fire)
			watch_fire(NULL, c->n_path, NULL, c->n_exact,
			    c->n_operms, c->n_onperms);
	return (0);
}

/*
 * tx_write_back
 * Move the value, permissions and children of copy c into store node g
 * and give g a new generation.
 */
static void
tx_write_back(struct node *g, struct node *c)
{

	free(g->n_val);
	free(g->n_perms);
	free(g->n_kids);
	g->n_val = c->n_val;
	g->n_vlen = c->n_vlen;
	g->n_perms = c->n_perms;
	g->n_nperms = c->n_nperms;
	g->n_kids = c->n_kids;
	g->n_klen = c->n_klen;
	g->n_kcap = c->n_kcap;
	c->n_val = c->n_kids = NULL;
	c->n_perms = NULL;
	c->n_vlen = c->n_nperms = c->n_klen = c->n_kcap = 0;
	g->n_gen = ++tree_gen;
}

/*
 * tx_access
 * The copy of the node at path in transaction t, made now from the store
 * if t has not touched the node before (n_exists tells whether the node
 * exists in t's view).  Returns NULL with errno ENOMEM, and then marks
 * the transaction failed.
 */
struct node *
tx_access(struct tx *t, const char *path)
{
	struct node *c, *g;

	if ((c = nm_find(&t->t_map, path)) != NULL)
		return (c);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->n_path = strdup(path)) == NULL)
		goto fail;
	if ((g = nm_find(&tree_map, path)) != NULL) {
		if (node_copy(c, g) == -1 ||
		    (c->n_operms = perm_dup(g->n_perms, g->n_nperms)) == NULL)
			goto fail;
		c->n_onperms = g->n_nperms;
		c->n_exists = 1;
		c->n_seen = g->n_gen;
	} else
		c->n_seen = XSD_NOGEN;
	nm_insert(&t->t_map, c);
	if (t->t_last != NULL)
		t->t_last->n_anext = c;
	else
		t->t_first = c;
	t->t_last = c;
	return (c);
fail:
	node_free(c);
	t->t_fail = 1;
	errno = ENOMEM;
	return (NULL);
}

/*
 * tx_queue_watch
 * Remember that the change of path in t fires a watch event at commit.
 * A non-exact event replaces an exact one, not the other way round.
 */
void
tx_queue_watch(struct tx *t, const char *path, int exact)
{
	struct node *c;

	if ((c = nm_find(&t->t_map, path)) == NULL) {
		t->t_fail = 1;
		return;
	}
	if (!c->n_fire) {
		c->n_fire = 1;
		c->n_exact = exact;
	} else if (!exact)
		c->n_exact = 0;
}
