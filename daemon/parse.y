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
 * parse.y: the grammar and the lexer of xennetd.conf(5).  The file is
 * read into a struct conf (global settings and per-domain or per-vif
 * blocks); conf.c merges it with the defaults and the command line.
 * Every error is reported as file:line: message and parsing goes on at
 * the next line, so that one run shows them all.
 */

%{
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xennetd.h"

#define PARSE_TOKEN_MAX		8192	/* longest word or quoted string */
#define PARSE_PUSHBACK_MAX	(2 * PARSE_TOKEN_MAX)
#define PARSE_INCLUDE_DEPTH	16
#define PARSE_ERROR_SHOW	40	/* bytes of a bad token shown */

/* One file being read: the configuration file and its includes. */
struct file {
	TAILQ_ENTRY(file)	 f_entry;
	FILE			*f_stream;
	char			*f_name;
	int			 f_lineno;	/* of the next character */
	int			 f_tokline;	/* of the last token */
	int			 f_eof;		/* its EOF newline returned */
	int			 f_startnl;	/* begin with a newline */
	dev_t			 f_dev;
	ino_t			 f_ino;
	unsigned char		 f_pushback[PARSE_PUSHBACK_MAX];
	size_t			 f_npushback;	/* read next, from the end */
};
TAILQ_HEAD(files, file);

/* A macro: name = value in the file, or -D name=value. */
struct sym {
	TAILQ_ENTRY(sym)	 s_entry;
	char			*s_name;
	char			*s_value;
	int			 s_cmdline;	/* -D: the file cannot set it */
};
TAILQ_HEAD(syms, sym);

typedef struct {
	union {
		long long	 number;
		char		*string;
	} v;
} YYSTYPE;
#define YYSTYPE_IS_DECLARED	1

static struct files	 files = TAILQ_HEAD_INITIALIZER(files);
static struct files	 done = TAILQ_HEAD_INITIALIZER(done);
static struct syms	 syms = TAILQ_HEAD_INITIALIZER(syms);
static struct file	*file;		/* the one being read */
static struct conf	*conf;		/* being built */
static struct conf_block *block;	/* the open block, NULL: global */
static int		 errors;
static int		 tostderr;	/* -n: errors to stderr, not the log */
static int		 lexerror;	/* the lexer said why already */
/* What a syntax error names: the statement's first two tokens, the last. */
static int		 st_ntok;	/* tokens of the statement so far */
static int		 st_new;	/* the next token starts one */
static int		 st_first, st_second;
static char		 st_word[PARSE_ERROR_SHOW + 1];	/* the first's */
static char		 last_text[PARSE_ERROR_SHOW + 8];

int		 yyparse(void);
static int	 yylex(void);
static int	 yyerror(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static int	 lexfail(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static int	 lex(void);
static void	 report(const char *);
static int	 kw_lookup(const char *);
static int	 lgetc(void);
static void	 lungetc(int);
static int	 lpush(const char *);
static struct file *pushfile(const char *, int);
static int	 popfile(void);
static int	 symset(const char *, const char *, int);
static const char *symget(const char *);
static void	 symclear(void);
static int	 checkname(const char *);
static int	 range(const char *, long long, long long, long long);
static int	 settable(unsigned int, const char *);
static int	 inblock(const char *);
static void	 block_open(enum conf_match, uint32_t, uint32_t,
		    const char *, const uint8_t *);
static void	 block_close(void);
static void	 block_drop(void);
static void	 include(char *);
static int	 vifspec(const char *, uint32_t *, uint32_t *);
static int	 ifname_ok(const char *);
static FILE	*parse_fopen(const char *, struct stat *);

/*
 * How a file is opened: the file system, or the privileged helper's or
 * a test's (parse_set_open).
 */
static parse_open_fn	 opener = parse_fopen;

/* The settings the open block, or the global section, writes. */
#define VC	(block != NULL ? &block->cb_vc : &conf->cf_vif)
%}

%token	BATCH BPF CAPTUREDIR COPYBATCH DOMAIN INCLUDE KEEPGUESTS LOGLEVEL MAC
%token	MAXQUEUES MTU NONE NOTIFY ON PACKET PER POLLBUDGET PORT PORTIO RATE
%token	RXBATCH RXSTALL SYSCALL TAP TXBATCH URING USER VHOST VIF WORKERS
%token	ERROR
%token	<v.string>	STRING
%token	<v.number>	NUMBER
%type	<v.string>	value
%destructor { free($$); } <v.string>

%%

grammar		: /* empty */
		| grammar '\n'
		| grammar include '\n'
		| grammar varset '\n'
		| grammar globalopt '\n'
		| grammar vifopt '\n'
		| grammar block '\n'
		| grammar error '\n'		{ block_drop(); yyerrok; }
		;

optnl		: /* empty */
		| optnl '\n'
		;

include		: INCLUDE STRING		{ include($2); free($2); }
		;

value		: STRING
		| NUMBER {
			if (asprintf(&$$, "%lld", $1) == -1) {
				yyerror("out of memory");
				YYERROR;
			}
		}
		;

varset		: STRING '=' value {
			if (strchr($3, '$') != NULL)
				yyerror("the value of macro %s has a $",
				    $1);
			else if (checkname($1) == 0 &&
			    symset($1, $3, 0) == -1)
				yyerror("out of memory");
			free($1);
			free($3);
		}
		;

globalopt	: POLLBUDGET NUMBER {
			if (range("poll-budget", $2, 0, POLL_USEC_MAX) == 0)
				conf->cf_poll_usec = (int)$2;
		}
		| WORKERS NUMBER {
			if (range("workers", $2, 1, XENNETD_MAX_WORKERS) == 0)
				conf->cf_workers = (int)$2;
		}
		| MAXQUEUES NUMBER {
			if (range("max-queues", $2, 1, XENNETD_MAX_QUEUES) == 0)
				conf->cf_max_queues = (unsigned int)$2;
		}
		| PORTIO URING		{ conf->cf_portio = PORTIO_URING; }
		| PORTIO SYSCALL	{ conf->cf_portio = PORTIO_SYSCALL; }
		| PORTIO VHOST		{ conf->cf_portio = PORTIO_VHOST; }
		| CAPTUREDIR STRING {
			if ($2[0] != '/')
				yyerror("capture-dir \"%.*s\" is not an "
				    "absolute path", PARSE_ERROR_SHOW, $2);
			else if (strlen($2) >= sizeof(conf->cf_capture_dir))
				yyerror("capture-dir is longer than %zu "
				    "bytes", sizeof(conf->cf_capture_dir) - 1);
			else
				snprintf(conf->cf_capture_dir,
				    sizeof(conf->cf_capture_dir), "%s", $2);
			free($2);
		}
		| USER STRING {
			if ($2[0] == '\0' || strlen($2) > CONF_USER_MAX)
				yyerror("user \"%.*s\" is not a user name (1 "
				    "to %d characters)", PARSE_ERROR_SHOW, $2,
				    CONF_USER_MAX);
			else
				snprintf(conf->cf_user, sizeof(conf->cf_user),
				    "%s", $2);
			free($2);
		}
		| LOGLEVEL NUMBER {
			if (range("log-level", $2, 0, CONF_LOGLEVEL_MAX) == 0)
				conf->cf_verbose = (int)$2;
		}
		| KEEPGUESTS		{ conf->cf_keep_guests = 1; }
		;

/* The settings of a vif: global defaults, or in a block. */
vifopt		: TXBATCH NUMBER {
			if (range("tx-batch", $2, 1, RING_BATCH_MAX) == 0 &&
			    settable(CONF_TX, "tx-batch") == 0)
				VC->vc_ring.rc_tx_batch = (unsigned int)$2;
		}
		| RXBATCH NUMBER {
			if (range("rx-batch", $2, 1, RING_BATCH_MAX) == 0 &&
			    settable(CONF_RX, "rx-batch") == 0)
				VC->vc_ring.rc_rx_batch = (unsigned int)$2;
		}
		| COPYBATCH NUMBER {
			if (range("copy-batch", $2, 1, RING_COPY_MAX) == 0 &&
			    settable(CONF_COPY, "copy-batch") == 0)
				VC->vc_ring.rc_copy_batch = (unsigned int)$2;
		}
		| RXSTALL NUMBER {
			if ($2 != 0 && ($2 < RING_RX_CARRIER_MIN ||
			    $2 > RING_RX_CARRIER_MAX))
				yyerror("rx-stall-timeout %lld is out of range "
				    "(0: never, or %d-%d ms)", $2,
				    RING_RX_CARRIER_MIN, RING_RX_CARRIER_MAX);
			else if (settable(CONF_STALL, "rx-stall-timeout") == 0)
				VC->vc_ring.rc_rx_stall_ms = (unsigned int)$2;
		}
		| NOTIFY BATCH {
			if (settable(CONF_NOTIFY, "notify") == 0)
				VC->vc_ring.rc_notify = RING_NOTIFY_BATCH;
		}
		| NOTIFY PACKET {
			if (settable(CONF_NOTIFY, "notify") == 0)
				VC->vc_ring.rc_notify = RING_NOTIFY_PACKET;
		}
		| PORT TAP {
			if (settable(CONF_PORT, "port") == 0) {
				VC->vc_port = PORT_TAP;
				VC->vc_port_if[0] = '\0';
			}
		}
		| PORT BPF ON STRING {
			if (ifname_ok($4) == 0 &&
			    settable(CONF_PORT, "port") == 0) {
				VC->vc_port = PORT_BPF;
				snprintf(VC->vc_port_if,
				    sizeof(VC->vc_port_if), "%s", $4);
			}
			free($4);
		}
		| RATE NUMBER PER NUMBER {
			if (inblock("rate") == 0 && range("rate bytes", $2, 1,
			    CONF_RATE_BYTES_MAX) == 0 &&
			    range("rate interval", $4, 1,
			    CONF_RATE_USEC_MAX) == 0 &&
			    settable(CONF_RATE, "rate") == 0) {
				VC->vc_rate_bytes = (uint64_t)$2;
				VC->vc_rate_usec = (uint64_t)$4;
			}
		}
		| RATE NONE {
			if (inblock("rate") == 0 &&
			    settable(CONF_RATE, "rate") == 0)
				VC->vc_rate_bytes = VC->vc_rate_usec = 0;
		}
		| MTU NUMBER {
			if (inblock("mtu") == 0 && range("mtu", $2,
			    CONF_MTU_MIN, CONF_MTU_MAX) == 0 &&
			    settable(CONF_MTU, "mtu") == 0)
				VC->vc_mtu = (unsigned int)$2;
		}
		;

block		: blockhead '{' optnl blockopts '}'	{ block_close(); }
		;

blockhead	: DOMAIN NUMBER {
			if (range("domid", $2, 0, VIF_DOMID_LIMIT) == 0)
				block_open(CONF_M_DOMID, (uint32_t)$2, 0, NULL,
				    NULL);
			else
				block_open(CONF_M_DOMID, UINT32_MAX, 0, NULL,
				    NULL);
		}
		| DOMAIN STRING {
			if ($2[0] == '\0' || strlen($2) > CONF_NAME_MAX) {
				yyerror("a domain name has 1 to %d bytes",
				    CONF_NAME_MAX);
				block_open(CONF_M_NAME, UINT32_MAX, 0, NULL,
				    NULL);
			} else
				block_open(CONF_M_NAME, 0, 0, $2, NULL);
			free($2);
		}
		| VIF STRING {
			uint32_t d, h;

			if (vifspec($2, &d, &h) == 0)
				block_open(CONF_M_VIF, d, h, NULL, NULL);
			else
				block_open(CONF_M_VIF, UINT32_MAX, 0, NULL,
				    NULL);
			free($2);
		}
		| VIF NUMBER {
			yyerror("vif %lld: want <domid>.<handle>", $2);
			block_open(CONF_M_VIF, UINT32_MAX, 0, NULL, NULL);
		}
		| VIF MAC STRING {
			uint8_t mac[6];

			if (store_parse_mac($3, mac) == -1) {
				yyerror("bad mac \"%.*s\": want "
				    "xx:xx:xx:xx:xx:xx", PARSE_ERROR_SHOW, $3);
				block_open(CONF_M_MAC, UINT32_MAX, 0, NULL,
				    NULL);
			} else if (mac[0] & 1) {
				yyerror("mac %s is a multicast address", $3);
				block_open(CONF_M_MAC, UINT32_MAX, 0, NULL,
				    NULL);
			} else
				block_open(CONF_M_MAC, 0, 0, NULL, mac);
			free($3);
		}
		;

blockopts	: /* empty */
		| blockopts vifopt optnl
		| blockopts error '\n' optnl	{ yyerrok; }
		;

%%

/*
 * The keywords, sorted for bsearch; tests/t_man.sh reads this table
 * (the lines between the markers) to check that xennetd.conf.5 documents
 * each one.
 */
static const struct keyword {
	const char	*k_name;
	int		 k_token;
} keywords[] = {
	/* keywords begin */
	{ "batch",		BATCH },
	{ "bpf",		BPF },
	{ "capture-dir",	CAPTUREDIR },
	{ "copy-batch",		COPYBATCH },
	{ "domain",		DOMAIN },
	{ "include",		INCLUDE },
	{ "keep-guests",	KEEPGUESTS },
	{ "log-level",		LOGLEVEL },
	{ "mac",		MAC },
	{ "max-queues",		MAXQUEUES },
	{ "mtu",		MTU },
	{ "none",		NONE },
	{ "notify",		NOTIFY },
	{ "on",			ON },
	{ "packet",		PACKET },
	{ "per",		PER },
	{ "poll-budget",	POLLBUDGET },
	{ "port",		PORT },
	{ "port-io",		PORTIO },
	{ "rate",		RATE },
	{ "rx-batch",		RXBATCH },
	{ "rx-stall-timeout",	RXSTALL },
	{ "syscall",		SYSCALL },
	{ "tap",		TAP },
	{ "tx-batch",		TXBATCH },
	{ "uring",		URING },
	{ "user",		USER },
	{ "vhost",		VHOST },
	{ "vif",		VIF },
	{ "workers",		WORKERS },
	/* keywords end */
};

static int
kw_cmp(const void *k, const void *e)
{
	return (strcmp(k, ((const struct keyword *)e)->k_name));
}

/* kw_lookup: the token of keyword s, or STRING. */
static int
kw_lookup(const char *s)
{
	const struct keyword *k;

	k = bsearch(s, keywords, sizeof(keywords) / sizeof(keywords[0]),
	    sizeof(keywords[0]), kw_cmp);
	return (k != NULL ? k->k_token : STRING);
}

/* report: one error at the current file and line, counted. */
static void
report(const char *msg)
{
	errors++;
	if (tostderr)
		fprintf(stderr, "%s:%d: %s\n", file->f_name, file->f_tokline,
		    msg);
	else
		log_warnx("%s:%d: %s", file->f_name, file->f_tokline, msg);
}

/*
 * yyerror: an error of the grammar or of a setting's value; a syntax
 * error on the token by which the lexer reported its own is not
 * reported twice.
 */
static int
yyerror(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (strcmp(fmt, "syntax error") == 0) {
		if (lexerror) {
			lexerror = 0;
			return (0);
		}
		if (st_first == STRING && (block != NULL ||
		    (st_ntok >= 2 && st_second != '=')))
			snprintf(msg, sizeof(msg), "unknown keyword \"%s\"",
			    st_word);
		else
			snprintf(msg, sizeof(msg), "syntax error at %s",
			    last_text);
		report(msg);
		return (0);
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(msg);
	return (0);
}

/* lexfail: the lexer's error, and the ERROR token that carries it. */
static int
lexfail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(msg);
	lexerror = 1;
	return (ERROR);
}

/* range: 0 if what's value v is in [min, max], else -1 after yyerror. */
static int
range(const char *what, long long v, long long min, long long max)
{
	if (v >= min && v <= max)
		return (0);
	yyerror("%s %lld is out of range (%lld-%lld)", what, v, min, max);
	return (-1);
}

/*
 * settable: 0 if the setting bit may be set now: always in the global
 * section (the last one wins), once in a block.
 */
static int
settable(unsigned int bit, const char *what)
{
	unsigned int *set = block != NULL ? &block->cb_set :
	    &conf->cf_vifset;

	if (block != NULL && (*set & bit)) {
		yyerror("%s is set twice in this block", what);
		return (-1);
	}
	*set |= bit;
	return (0);
}

/* inblock: 0 inside a block, else -1 after yyerror: what is not global. */
static int
inblock(const char *what)
{
	if (block != NULL)
		return (0);
	yyerror("%s belongs in a domain or vif block", what);
	return (-1);
}

/* checkname: 0 if s may name a macro (letters, digits, _). */
static int
checkname(const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			break;
	if (*p == '\0' && !isdigit((unsigned char)s[0]))
		return (0);
	yyerror("macro name \"%.*s\": letters, digits and _ only, not "
	    "first a digit", PARSE_ERROR_SHOW, s);
	return (-1);
}

/* ifname_ok: 0 if s can name a network interface, else -1 after yyerror. */
static int
ifname_ok(const char *s)
{
	const char *p;

	if (s[0] == '\0' || strlen(s) >= IFNAMSIZ) {
		yyerror("interface name \"%.*s\": 1 to %d bytes",
		    PARSE_ERROR_SHOW, s, IFNAMSIZ - 1);
		return (-1);
	}
	for (p = s; *p != '\0'; p++)
		if (*p == '/' || !isgraph((unsigned char)*p)) {
			yyerror("interface name \"%s\": no '/' or blanks", s);
			return (-1);
		}
	return (0);
}

/*
 * vifspec: "<domid>.<handle>" into *d and *h; 0, or -1 after yyerror.
 */
static int
vifspec(const char *s, uint32_t *d, uint32_t *h)
{
	const char *dot = strchr(s, '.');
	unsigned long long v;

	if (dot == NULL || num_parsen(s, (size_t)(dot - s), ULLONG_MAX,
	    &v) == -1) {
		yyerror("vif \"%.*s\": want <domid>.<handle>",
		    PARSE_ERROR_SHOW, s);
		return (-1);
	}
	if (v > VIF_DOMID_LIMIT) {
		yyerror("vif %.*s: domid is out of range (0-%u)",
		    PARSE_ERROR_SHOW, s, VIF_DOMID_LIMIT);
		return (-1);
	}
	*d = (uint32_t)v;
	if (num_parse(dot + 1, ULLONG_MAX, &v) == -1) {
		yyerror("vif \"%.*s\": want <domid>.<handle>",
		    PARSE_ERROR_SHOW, s);
		return (-1);
	}
	if (v > 0xFFFF) {
		yyerror("vif %.*s: handle is out of range (0-65535)",
		    PARSE_ERROR_SHOW, s);
		return (-1);
	}
	*h = (uint32_t)v;
	return (0);
}

/*
 * block_open: start a block.  A second block for the same domain or vif
 * is an error (named with the first one's place); bad = UINT32_MAX in
 * domid opens a block that is parsed and dropped.
 */
static void
block_open(enum conf_match m, uint32_t domid, uint32_t handle,
    const char *name, const uint8_t *mac)
{
	struct conf_block *b;

	block_drop();
	if ((block = calloc(1, sizeof(*block))) == NULL) {
		yyerror("out of memory");
		return;
	}
	block->cb_match = m;
	block->cb_domid = domid;
	block->cb_handle = handle;
	if (name != NULL)
		snprintf(block->cb_name, sizeof(block->cb_name), "%s", name);
	if (mac != NULL)
		memcpy(block->cb_mac, mac, sizeof(block->cb_mac));
	snprintf(block->cb_where, sizeof(block->cb_where), "%s:%d",
	    file->f_name, file->f_tokline);
	if (domid == UINT32_MAX)
		return;
	TAILQ_FOREACH(b, &conf->cf_blocks, cb_entry) {
		if (b->cb_match != m)
			continue;
		if ((m == CONF_M_NAME && strcmp(b->cb_name, name) == 0) ||
		    (m == CONF_M_DOMID && b->cb_domid == domid) ||
		    (m == CONF_M_VIF && b->cb_domid == domid &&
		    b->cb_handle == handle) ||
		    (m == CONF_M_MAC && memcmp(b->cb_mac, mac, 6) == 0)) {
			yyerror("a second block for the same %s (the first "
			    "is at %s)", m == CONF_M_NAME ||
			    m == CONF_M_DOMID ? "domain" : "vif",
			    b->cb_where);
			block->cb_domid = UINT32_MAX;
			return;
		}
	}
}

/* block_close: the block ends: keep it, unless it was bad. */
static void
block_close(void)
{
	if (block == NULL)
		return;
	if (block->cb_domid == UINT32_MAX)
		free(block);
	else
		TAILQ_INSERT_TAIL(&conf->cf_blocks, block, cb_entry);
	block = NULL;
}

/*
 * block_drop: a block the parser gave up on (a syntax error took it
 * back to the top): forget it, so that what follows is global again.
 */
static void
block_drop(void)
{
	free(block);
	block = NULL;
}

/*
 * include: read path next, then go on after the include line.  A
 * relative path is taken from the directory of the including file.
 */
static void
include(char *path)
{
	char full[PATH_MAX];
	const char *slash = strrchr(file->f_name, '/');

	if (path[0] != '/' && slash != NULL) {
		if ((size_t)snprintf(full, sizeof(full), "%.*s/%s",
		    (int)(slash - file->f_name), file->f_name, path) >=
		    sizeof(full)) {
			yyerror("include path too long");
			return;
		}
	} else if ((size_t)snprintf(full, sizeof(full), "%s", path) >=
	    sizeof(full)) {
		yyerror("include path too long");
		return;
	}
	if (pushfile(full, 0) != NULL)
		file->f_startnl = 1;
}

/*
 * pushfile: read name from now on.  The top file (top 1) may be
 * missing; an include may not: yyerror.  An include of a file that is
 * being read (a loop) is refused.
 */
static struct file *
pushfile(const char *name, int top)
{
	struct file *f, *o;
	struct stat st;
	int depth = 0;
	FILE *fp;

	if ((fp = opener(name, &st)) == NULL) {
		if (!top)
			yyerror("cannot open include file \"%.*s\": %s",
			    PARSE_ERROR_SHOW * 4, name, strerror(errno));
		return (NULL);
	}
	if (!S_ISREG(st.st_mode)) {
		if (!top)
			yyerror("include file \"%s\" is not a regular file",
			    name);
		else
			errno = EINVAL;
		fclose(fp);
		return (NULL);
	}
	TAILQ_FOREACH(o, &files, f_entry) {
		depth++;
		if (o->f_dev == st.st_dev && o->f_ino == st.st_ino) {
			yyerror("include loop: \"%s\" is already being read",
			    name);
			fclose(fp);
			return (NULL);
		}
	}
	if (depth >= PARSE_INCLUDE_DEPTH) {
		yyerror("includes nested more than %d deep",
		    PARSE_INCLUDE_DEPTH);
		fclose(fp);
		return (NULL);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->f_name = strdup(name)) == NULL) {
		if (!top)
			yyerror("out of memory");
		free(f);
		fclose(fp);
		return (NULL);
	}
	f->f_stream = fp;
	f->f_lineno = 1;
	f->f_tokline = 1;
	f->f_dev = st.st_dev;
	f->f_ino = st.st_ino;
	TAILQ_INSERT_TAIL(&files, f, f_entry);
	file = f;
	return (f);
}

/*
 * parse_fopen: name opened for reading and its fstat in *st; NULL with
 * errno.
 */
static FILE *
parse_fopen(const char *name, struct stat *st)
{
	FILE *fp;
	int saved;

	if ((fp = fopen(name, "r")) == NULL)
		return (NULL);
	if (fstat(fileno(fp), st) == -1) {
		saved = errno;
		fclose(fp);
		errno = saved;
		return (NULL);
	}
	return (fp);
}

/*
 * parse_set_open: files are opened by fn from now on (NULL: the file
 * system again).  fn returns a stream and fills st_mode, st_dev and
 * st_ino (an include loop is the same device and inode), or NULL with
 * errno.  The fuzzer keeps its files in memory so.
 */
void
parse_set_open(parse_open_fn fn)
{
	opener = fn != NULL ? fn : parse_fopen;
}

/*
 * popfile: the current file ended: back to the one that included it
 * (0), or EOF at the end of the top one (which stays current).
 */
static int
popfile(void)
{
	struct file *prev = TAILQ_PREV(file, files, f_entry);

	if (prev == NULL)
		return (EOF);
	TAILQ_REMOVE(&files, file, f_entry);
	fclose(file->f_stream);
	file->f_stream = NULL;
	TAILQ_INSERT_TAIL(&done, file, f_entry);	/* names stay valid */
	file = prev;
	return (0);
}

/* lgetc: the next character: pushed back ones first, then the file's. */
static int
lgetc(void)
{
	if (file->f_npushback > 0)
		return (file->f_pushback[--file->f_npushback]);
	return (getc(file->f_stream));
}

static void
lungetc(int c)
{
	if (c != EOF && file->f_npushback < sizeof(file->f_pushback))
		file->f_pushback[file->f_npushback++] = (unsigned char)c;
}

/* lpush: s is read next (a macro's value); -1 if there is no room. */
static int
lpush(const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(file->f_pushback) - file->f_npushback)
		return (-1);
	while (n > 0)
		file->f_pushback[file->f_npushback++] =
		    (unsigned char)s[--n];
	return (0);
}

/* isword: may c be part of an unquoted word? */
static int
isword(int c)
{
	return (c != EOF && (isalnum(c) || strchr("-_.:/+@%", c) != NULL));
}

/*
 * yylex: lex's next token, remembered for the messages of syntax
 * errors.
 */
static int
yylex(void)
{
	int tok;

	if (st_new)
		st_ntok = 0;
	tok = lex();
	st_new = tok == '\n' || tok == '{' || tok == '}';
	if (st_ntok == 0) {
		st_first = tok;
		if (tok == STRING)
			snprintf(st_word, sizeof(st_word), "%s",
			    yylval.v.string);
	} else if (st_ntok == 1)
		st_second = tok;
	st_ntok++;
	switch (tok) {
	case '\n':
		snprintf(last_text, sizeof(last_text), "end of line");
		break;
	case 0:
		snprintf(last_text, sizeof(last_text), "end of file");
		break;
	case ERROR:
		break;
	case '{':
	case '}':
	case '=':
		snprintf(last_text, sizeof(last_text), "'%c'", tok);
		break;
	}
	return (tok);
}

/*
 * lex: the next token: '\n' ends every statement (one more is given
 * at the end of each file); words are keywords, numbers (digits, maybe
 * after a -, so that negative ones are reported as out of range) or
 * strings; "quoted" and 'quoted' strings end on their line; $name is
 * replaced by the macro's value (not in quotes); # starts a comment.
 */
static int
lex(void)
{
	static char buf[PARSE_TOKEN_MAX];
	unsigned long long u;
	size_t n;
	int c, q, tok, neg;
	const char *val;

	lexerror = 0;	/* an ERROR token the parser skipped */
top:
	if (file->f_startnl) {
		file->f_startnl = 0;	/* ends the include line */
		return ('\n');
	}
	while ((c = lgetc()) == ' ' || c == '\t' || c == '\r')
		;
	file->f_tokline = file->f_lineno;
	if (c == '#')
		while ((c = lgetc()) != '\n' && c != EOF)
			;
	if (c == '\\') {
		if ((c = lgetc()) == '\r' && (c = lgetc()) != '\n') {
			lungetc(c);
			c = '\r';
		}
		if (c == '\n') {
			file->f_lineno++;
			goto top;
		}
		lungetc(c);
		return (lexfail("stray \\"));
	}
	if (c == EOF) {
		if (ferror(file->f_stream)) {
			file->f_tokline = file->f_lineno;
			yyerror("read error: %s", strerror(errno));
			clearerr(file->f_stream);
		}
		if (!file->f_eof) {
			file->f_eof = 1;
			return ('\n');
		}
		if (popfile() == EOF)
			return (0);
		goto top;
	}
	if (c == '\n') {
		file->f_lineno++;
		return ('\n');
	}
	if (c == '$') {
		for (n = 0; (c = lgetc()) != EOF &&
		    (isalnum(c) || c == '_'); n++)
			if (n < sizeof(buf) - 1)
				buf[n] = (char)c;
		lungetc(c);
		if (n >= sizeof(buf) - 1)
			return (lexfail("macro name too long"));
		buf[n] = '\0';
		if (n == 0)
			return (lexfail("$ without a macro name"));
		if ((val = symget(buf)) == NULL)
			return (lexfail("macro \"%.*s\" is not defined",
			    PARSE_ERROR_SHOW, buf));
		if (lpush(val) == -1)
			return (lexfail("macro \"%.*s\" is too long here",
			    PARSE_ERROR_SHOW, buf));
		goto top;
	}
	if (c == '"' || c == '\'') {
		q = c;
		for (n = 0;; n++) {
			if ((c = lgetc()) == '\n' || c == EOF) {
				lungetc(c);
				return (lexfail("unterminated quoted "
				    "string"));
			}
			if (c == q)
				break;
			if (c == '\\') {
				c = lgetc();
				if (c != q && c != '\\') {
					lungetc(c);
					c = '\\';
				}
			}
			if (c == '\0')
				return (lexfail("NUL byte in a quoted "
				    "string"));
			if (n >= sizeof(buf) - 1) {
				while ((c = lgetc()) != q && c != '\n' &&
				    c != EOF)
					;
				if (c != q)
					lungetc(c);
				return (lexfail("quoted string longer than "
				    "%d bytes", PARSE_TOKEN_MAX - 1));
			}
			buf[n] = (char)c;
		}
		buf[n] = '\0';
		snprintf(last_text, sizeof(last_text), "\"%.*s\"",
		    PARSE_ERROR_SHOW, buf);
		if ((yylval.v.string = strdup(buf)) == NULL)
			return (lexfail("out of memory"));
		return (STRING);
	}
	if (isword(c)) {
		n = 0;
		do {
			if (n < sizeof(buf) - 1)
				buf[n] = (char)c;
			n++;
		} while (isword(c = lgetc()));
		lungetc(c);
		if (n >= sizeof(buf) - 1)
			return (lexfail("word longer than %d bytes",
			    PARSE_TOKEN_MAX - 1));
		buf[n] = '\0';
		snprintf(last_text, sizeof(last_text), "\"%.*s\"",
		    PARSE_ERROR_SHOW, buf);
		neg = buf[0] == '-' && n > 1;
		if (strspn(buf + neg, "0123456789") == n - neg) {
			if (num_parse(buf + neg, LLONG_MAX, &u) == -1)
				return (lexfail("number %.*s is too large",
				    PARSE_ERROR_SHOW, buf));
			yylval.v.number = neg ? -(long long)u : (long long)u;
			return (NUMBER);
		}
		if ((tok = kw_lookup(buf)) != STRING)
			return (tok);
		if ((yylval.v.string = strdup(buf)) == NULL)
			return (lexfail("out of memory"));
		return (STRING);
	}
	if (c == '{' || c == '}' || c == '=')
		return (c);
	if (isprint(c))
		return (lexfail("unexpected character '%c'", c));
	return (lexfail("unexpected byte 0x%02x", (unsigned int)c));
}

/* symset: define macro name; -D ones (cmdline) win over the file's. */
static int
symset(const char *name, const char *value, int cmdline)
{
	struct sym *s;

	TAILQ_FOREACH(s, &syms, s_entry)
		if (strcmp(s->s_name, name) == 0)
			break;
	if (s != NULL) {
		if (s->s_cmdline && !cmdline)
			return (0);
		free(s->s_value);
		if ((s->s_value = strdup(value)) == NULL)
			return (-1);
		s->s_cmdline = cmdline;
		return (0);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->s_name = strdup(name)) == NULL ||
	    (s->s_value = strdup(value)) == NULL) {
		if (s != NULL)
			free(s->s_name);
		free(s);
		return (-1);
	}
	s->s_cmdline = cmdline;
	TAILQ_INSERT_TAIL(&syms, s, s_entry);
	return (0);
}

static const char *
symget(const char *name)
{
	struct sym *s;

	TAILQ_FOREACH(s, &syms, s_entry)
		if (strcmp(s->s_name, name) == 0)
			return (s->s_value);
	return (NULL);
}

/* symclear: forget the file's macros (the -D ones stay for reloads). */
static void
symclear(void)
{
	struct sym *s, *next;

	for (s = TAILQ_FIRST(&syms); s != NULL; s = next) {
		next = TAILQ_NEXT(s, s_entry);
		if (s->s_cmdline)
			continue;
		TAILQ_REMOVE(&syms, s, s_entry);
		free(s->s_name);
		free(s->s_value);
		free(s);
	}
}

/*
 * parse_cmdline_macro: -D name=value.  0, or -1 if it is not of that
 * form (or memory ran out).
 */
int
parse_cmdline_macro(const char *def)
{
	const char *eq = strchr(def, '=');
	char name[PARSE_TOKEN_MAX];
	const char *p;

	if (eq == NULL || eq == def || (size_t)(eq - def) >= sizeof(name) ||
	    isdigit((unsigned char)def[0]))
		return (-1);
	for (p = def; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return (-1);
	if (strchr(eq + 1, '\n') != NULL || strchr(eq + 1, '$') != NULL ||
	    strlen(eq + 1) >= PARSE_TOKEN_MAX)
		return (-1);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - def), def);
	return (symset(name, eq + 1, 1));
}

/* parse_free: what parse_config returned, with its blocks; NULL too. */
void
parse_free(struct conf *cf)
{
	struct conf_block *b;

	if (cf == NULL)
		return;
	while ((b = TAILQ_FIRST(&cf->cf_blocks)) != NULL) {
		TAILQ_REMOVE(&cf->cf_blocks, b, cb_entry);
		free(b);
	}
	free(cf);
}

/*
 * parse_config: read the configuration file path and its includes.
 * Returns what it says, or NULL after reporting every error as
 * file:line: message (on stderr if errs_to_stderr, else in the log).
 * A missing file is an error unless optional: then it is an empty
 * configuration.
 */
struct conf *
parse_config(const char *path, int optional, int errs_to_stderr)
{
	struct file *f;
	int rc;

	tostderr = errs_to_stderr;
	errors = 0;
	lexerror = 0;
	st_new = 1;
	block = NULL;
	if ((conf = calloc(1, sizeof(*conf))) == NULL) {
		log_warn("%s", path);
		return (NULL);
	}
	TAILQ_INIT(&conf->cf_blocks);
	conf->cf_portio = conf->cf_poll_usec = conf->cf_verbose = -1;
	if (pushfile(path, 1) == NULL) {
		if (optional && errno == ENOENT)
			return (conf);
		if (tostderr)
			fprintf(stderr, "%s: %s\n", path, errno == EINVAL ?
			    "not a regular file" : strerror(errno));
		else
			log_warnx("%s: %s", path, errno == EINVAL ?
			    "not a regular file" : strerror(errno));
		parse_free(conf);
		return (NULL);
	}
	rc = yyparse();
	if (rc != 0 && errors == 0)
		errors++;	/* yyparse gave up: it said why */
	block_drop();
	while ((f = TAILQ_FIRST(&files)) != NULL) {
		TAILQ_REMOVE(&files, f, f_entry);
		TAILQ_INSERT_TAIL(&done, f, f_entry);
	}
	while ((f = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, f, f_entry);
		if (f->f_stream != NULL)
			fclose(f->f_stream);
		free(f->f_name);
		free(f);
	}
	file = NULL;
	symclear();
	if (errors > 0) {
		parse_free(conf);
		conf = NULL;
		return (NULL);
	}
	return (conf);
}
