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
 * xenstored-sim: a xenstore daemon for machines without Xen.  It speaks
 * the xs_wire.h protocol on unix sockets so that the real libxenstore and
 * the stock xenstore-* tools work against it (XENSTORED_PATH=<socket>).
 *
 * Files:
 *   xenstored-sim.c  main(), sockets, connections, domains, poll loop
 *   xsd-tree.c       node store, paths, permissions
 *   xsd-tx.c         transactions (per-transaction copies, commit check)
 *   xsd-watch.c      watches, watch events, special watch permissions
 *   xsd-ops.c        one handler per XS_* request type
 */

#ifndef XSD_H
#define XSD_H

/* errno.h first: xs_wire.h defines xsd_errors[] only after it. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#include "slog.h"

#define XSD_PERM_NONE	0x0
#define XSD_PERM_READ	0x1
#define XSD_PERM_WRITE	0x2
#define XSD_PERM_BOTH	(XSD_PERM_READ | XSD_PERM_WRITE)
#define XSD_PERM_OWNER	0x4		/* internal: may set permissions */
#define XSD_PERM_ALL	(XSD_PERM_BOTH | XSD_PERM_OWNER)

#define XSD_NOGEN	UINT64_MAX	/* generation of a missing node */
#define XSD_DOMID_MAX	0x7fef		/* highest real domain id */
#define XSD_DOMID_SELF	0x7ff0		/* xen.h DOMID_SELF */
#define XSD_DOMPATH	"/local/domain"

#define XSD_HDRLEN	((unsigned int)sizeof(struct xsd_sockmsg))
/* Longer payloads than this are not read: the connection is closed. */
#define XSD_IN_MAX	65536
/* A client that lets this much output pile up is disconnected. */
#define XSD_OUT_MAX	(16U * 1024 * 1024)
#define XSD_MAX_CONNS	512
#define XSD_MAX_WATCHES	128		/* per domain connection, as Xen */
#define XSD_MAX_TX	10		/* per domain connection, as Xen */
#define XSD_MAX_PERMS	5		/* entries a domain may set, as Xen */

/* One permission entry: the first of a node is the owner + default. */
struct perm {
	unsigned int	 p_id;
	unsigned int	 p_perm;
};

/*
 * A node.  The same structure holds the nodes of the store and the
 * private copies a transaction makes of every node it touches; the
 * fields after n_hnext are used by copies only.
 */
struct node {
	char		*n_path;	/* absolute path, the hash key */
	char		*n_val;		/* value, n_vlen bytes (+ a nul) */
	unsigned int	 n_vlen;
	struct perm	*n_perms;
	unsigned int	 n_nperms;
	char		*n_kids;	/* child names, each nul-terminated */
	unsigned int	 n_klen;	/* bytes used in n_kids */
	unsigned int	 n_kcap;	/* bytes allocated for n_kids */
	uint64_t	 n_gen;		/* generation of the last change */
	struct node	*n_hnext;	/* hash chain */
	struct node	*n_anext;	/* copies: next in access order */
	uint64_t	 n_seen;	/* copies: n_gen at first access */
	struct perm	*n_operms;	/* copies: perms at first access */
	unsigned int	 n_onperms;
	int		 n_exists;	/* copies: node exists in the view */
	int		 n_modified;	/* copies: to write back at commit */
	int		 n_fire;	/* copies: watch event at commit */
	int		 n_exact;	/* copies: the event is exact */
};

/* A hash map of nodes keyed by path. */
struct nodemap {
	struct node	**nm_tab;
	size_t		 nm_size;	/* buckets, a power of two */
	size_t		 nm_count;
};

struct conn;

struct tx {
	uint32_t	 t_id;
	struct conn	*t_conn;
	struct nodemap	 t_map;		/* copies of the accessed nodes */
	struct node	*t_first;	/* copies in access order */
	struct node	*t_last;
	int		 t_fail;	/* an allocation failed: no commit */
	struct tx	*t_next;
};

struct watch {
	char		*w_path;	/* absolute path or @special */
	char		*w_token;
	size_t		 w_strip;	/* relative: prefix length to strip */
	struct watch	*w_next;
};

/* An introduced domain and the socket its connections come in on. */
struct domain {
	unsigned int	 d_id;
	int		 d_fd;		/* listening socket, -1 once released */
	char		*d_sock;	/* its path, "<SOCKET>.d<domid>" */
	int		 d_has_target;	/* XS_SET_TARGET was given */
	unsigned int	 d_target;
	int		 d_dead;	/* released: free at end of loop */
	struct domain	*d_next;
};

struct conn {
	int		 c_fd;
	unsigned int	 c_id;		/* domain id the connection acts as */
	struct domain	*c_dom;		/* NULL: privileged (main socket) */
	unsigned int	 c_serial;	/* for the debug log */
	char		*c_in;		/* bytes read, not yet handled */
	size_t		 c_inlen;
	size_t		 c_incap;
	char		*c_out;		/* bytes to write from c_outoff */
	size_t		 c_outoff;
	size_t		 c_outlen;
	size_t		 c_outcap;
	struct watch	*c_watches;
	unsigned int	 c_nwatches;
	struct tx	*c_txs;
	unsigned int	 c_ntxs;
	uint32_t	 c_next_txid;
	int		 c_dead;	/* closed at end of loop iteration */
	struct conn	*c_next;
};

/* Global state (xenstored-sim.c). */
extern struct conn	*xsd_conns;
extern struct domain	*xsd_domains;

/* xenstored-sim.c */
const char	*xsd_printable(const char *, size_t);
void		 conn_send(struct conn *, uint32_t, uint32_t, uint32_t,
		    const void *, size_t);
void		 conn_kill(struct conn *, const char *);
struct domain	*dom_find(unsigned int);
int		 dom_introduce(unsigned int, int *);
int		 dom_release(unsigned int);

/* xsd-tree.c */
extern struct nodemap	 tree_map;
extern uint64_t		 tree_gen;
int		 tree_init(void);
void		 tree_free(void);
struct node	*tree_lookup(struct tx *, const char *);
struct node	*tree_create(struct tx *, struct node *, const char *,
		    const struct conn *);
void		 tree_touch(struct tx *, struct node *);
int		 tree_set_value(struct node *, const char *, unsigned int);
int		 tree_set_perms(struct node *, const struct perm *,
		    unsigned int);
void		 tree_delete(struct tx *, struct node *);
int		 tree_kid_del(struct node *, const char *);
int		 tree_check(void);
void		 node_free(struct node *);
int		 node_copy(struct node *, const struct node *);
int		 nm_init(struct nodemap *);
void		 nm_free(struct nodemap *);
struct node	*nm_find(const struct nodemap *, const char *);
void		 nm_insert(struct nodemap *, struct node *);
void		 nm_remove(struct nodemap *, struct node *);
int		 path_valid(const char *);
char		*path_parent(const char *);
char		*path_join(const char *, const char *);
const char	*path_base(const char *);
unsigned int	 perm_for(const struct conn *, const struct perm *,
		    unsigned int);
int		 perm_parse(const char *, unsigned int, struct perm **);
char		*perm_format(const struct perm *, unsigned int,
		    unsigned int *);
struct perm	*perm_dup(const struct perm *, unsigned int);

/* xsd-tx.c */
struct tx	*tx_find(struct conn *, uint32_t);
struct tx	*tx_start(struct conn *);
int		 tx_end(struct tx *, int);
void		 tx_free_all(struct conn *);
struct node	*tx_access(struct tx *, const char *);
void		 tx_queue_watch(struct tx *, const char *, int);

/* xsd-watch.c */
int		 watch_init(void);
void		 watch_cleanup(void);
struct watch	*watch_add(struct conn *, const char *, const char *,
		    size_t);
void		 watch_event(struct conn *, const struct watch *,
		    const char *);
int		 watch_del(struct conn *, const char *, const char *);
void		 watch_free_all(struct conn *);
void		 watch_fire(struct tx *, const char *, struct node *, int,
		    const struct perm *, unsigned int);
int		 watch_special_set(const struct conn *, const char *,
		    const struct perm *, unsigned int);
void		 watch_special_forget(unsigned int);

/* xsd-ops.c */
void		 op_dispatch(struct conn *, const struct xsd_sockmsg *,
		    const char *);
int		 op_rm_node(struct tx *, const char *);
void		 op_remove_owned(unsigned int);
const char	*op_name(uint32_t);

#endif /* XSD_H */
