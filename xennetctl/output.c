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
 * out: xennetctl's replies as text for people: aligned tables, counters
 * exact, rates with SI prefixes.  tx and rx are the guest's: tx is what
 * the guest sent (to the host), rx what it received.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xennetctl.h"

#define TBL_COLS	16

/* A table: cells added row by row, printed with every column aligned. */
struct tbl {
	int		 t_ncol;
	const char	*t_align;	/* per column: 'l' or 'r' */
	char		**t_cell;
	size_t		 t_n, t_size;
};

static void	tbl_init(struct tbl *, const char *, ...);
static void	tbl_add(struct tbl *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	tbl_print(struct tbl *);
static void	si(char *, size_t, double);
static void	rate(char *, size_t, uint64_t, double, double);
static void	hist(const char *, const char *, struct json_object *,
		    struct json_object *);
static uint64_t	delta(struct json_object *, struct json_object *,
		    const char *);
static struct json_object *stats_prev(struct json_object *,
		    struct json_object *);
static void	per(char *, size_t, uint64_t, uint64_t);
static void	ctrl_lines(struct json_object *, struct json_object *,
		    struct json_object *, struct json_object *);
static void	deltas(char *, size_t, struct json_object *,
		    struct json_object *, char);

/* tbl_init: align is 'l' or 'r' per column; then each column's title. */
static void
tbl_init(struct tbl *t, const char *align, ...)
{
	va_list ap;
	int i;

	memset(t, 0, sizeof(*t));
	t->t_ncol = (int)strlen(align);
	t->t_align = align;
	va_start(ap, align);
	for (i = 0; i < t->t_ncol; i++)
		tbl_add(t, "%s", va_arg(ap, const char *));
	va_end(ap);
}

/* tbl_add: the next cell (rows fill left to right). */
static void
tbl_add(struct tbl *t, const char *fmt, ...)
{
	va_list ap;
	char **n, *c;

	va_start(ap, fmt);
	if (vasprintf(&c, fmt, ap) == -1)
		c = NULL;
	va_end(ap);
	if (t->t_n == t->t_size) {
		t->t_size = t->t_size == 0 ? 64 : t->t_size * 2;
		if ((n = reallocarray(t->t_cell, t->t_size,
		    sizeof(*n))) == NULL) {
			fprintf(stderr, "xennetctl: out of memory\n");
			exit(1);
		}
		t->t_cell = n;
	}
	t->t_cell[t->t_n++] = c;
}

/* tbl_print: print and free the table. */
static void
tbl_print(struct tbl *t)
{
	size_t w[TBL_COLS], i, l;
	int c;

	memset(w, 0, sizeof(w));
	for (i = 0; i < t->t_n; i++) {
		c = (int)(i % (size_t)t->t_ncol);
		l = t->t_cell[i] != NULL ? strlen(t->t_cell[i]) : 0;
		if (c < TBL_COLS && l > w[c])
			w[c] = l;
	}
	for (i = 0; i < t->t_n; i++) {
		c = (int)(i % (size_t)t->t_ncol);
		/* the last column, left aligned, is not padded */
		printf("%s%*s%s", c > 0 ? "  " : "",
		    t->t_align[c] != 'l' ? (int)w[c] :
		    c == t->t_ncol - 1 ? 0 : -(int)w[c],
		    t->t_cell[i] != NULL ? t->t_cell[i] : "?",
		    c == t->t_ncol - 1 ? "\n" : "");
		free(t->t_cell[i]);
	}
	free(t->t_cell);
	t->t_cell = NULL;
	t->t_n = t->t_size = 0;
}

/* si: v with an SI prefix: 950, 1.2k, 3.4M, 5.6G. */
static void
si(char *buf, size_t len, double v)
{
	static const char pfx[] = " kMGTP";
	int i = 0;

	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1f%c", v, pfx[i]);
}

/* rate: n per dt seconds, times mult, or "-" without a time base. */
static void
rate(char *buf, size_t len, uint64_t n, double dt, double mult)
{
	if (dt <= 0)
		snprintf(buf, len, "-");
	else
		si(buf, len, (double)n * mult / dt);
}

/* show vifs */
void
out_vifs(struct json_object *reply)
{
	struct json_object *a = js_get(reply, "vifs"), *e, *f, *b, *p;
	static const char *const feats[][2] = {
		{ "sg", "sg" }, { "gso_tcpv4", "gso4" },
		{ "gso_tcpv6", "gso6" }, { "csum", "csum" },
		{ "ipv6_csum", "csum6" }, { "rx_notify", "rx-notify" }
	};
	char fs[96];
	size_t i, k, n = a != NULL ? json_object_array_length(a) : 0;
	struct tbl t;

	if (n == 0) {
		printf("no vifs\n");
		return;
	}
	tbl_init(&t, "lrrllllrll", "VIF", "DOMAIN", "HANDLE", "STATE", "MAC",
	    "PORT", "BATCH", "QUEUES", "FEATURES", "CAPTURE");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		f = js_get(e, "features");
		b = js_get(e, "batch");
		p = js_get(e, "port");
		fs[0] = '\0';
		for (k = 0; f != NULL && k < sizeof(feats) / sizeof(feats[0]);
		    k++)
			if (js_bool(f, feats[k][0]))
				snprintf(fs + strlen(fs), sizeof(fs) -
				    strlen(fs), "%s%s", fs[0] ? "," : "",
				    feats[k][1]);
		tbl_add(&t, "%s", js_str(e, "name"));
		tbl_add(&t, "%llu", (unsigned long long)js_u64(e, "domid"));
		tbl_add(&t, "%llu", (unsigned long long)js_u64(e, "handle"));
		if (f != NULL && js_u64(f, "xdp_headroom") > 0)
			snprintf(fs + strlen(fs), sizeof(fs) - strlen(fs),
			    "%sxdp-headroom=%llu", fs[0] ? "," : "",
			    (unsigned long long)js_u64(f, "xdp_headroom"));
		tbl_add(&t, "%s%s%s", js_str(e, "state"),
		    js_bool(e, "failed") ? " (failed)" : "",
		    js_get(e, "carrier") != NULL && !js_bool(e, "carrier") ?
		    " (no carrier)" : "");
		tbl_add(&t, "%s", js_str(e, "mac"));
		tbl_add(&t, "%s %s", js_str(p, "type"),
		    js_str(p, "interface"));
		tbl_add(&t, "%llu/%llu/%llu",
		    (unsigned long long)js_u64(b, "tx"),
		    (unsigned long long)js_u64(b, "rx"),
		    (unsigned long long)js_u64(b, "copy"));
		tbl_add(&t, "%llu", (unsigned long long)js_u64(e, "queues"));
		tbl_add(&t, "%s", f == NULL ? "-" : fs[0] ? fs : "none");
		if (js_get(e, "capture") != NULL)
			tbl_add(&t, "%s (%llu)", js_str(js_get(e, "capture"),
			    "file"), (unsigned long long)js_u64(
			    js_get(e, "capture"), "frames"));
		else
			tbl_add(&t, "-");
	}
	tbl_print(&t);
	printf("BATCH: tx/rx/copy batch sizes\n");
}

/* stats_prev: the vif in prev (an earlier reply) that e is, or NULL. */
static struct json_object *
stats_prev(struct json_object *prev, struct json_object *e)
{
	struct json_object *a = js_get(prev, "vifs"), *p;
	size_t i, n = a != NULL ? json_object_array_length(a) : 0;

	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		if (strcmp(js_str(p, "name"), js_str(e, "name")) == 0 &&
		    js_u64(p, "domid") == js_u64(e, "domid") &&
		    js_u64(p, "handle") == js_u64(e, "handle"))
			return (p);
	}
	return (NULL);
}

/* delta: counter key of cur, less what prev had (0 if it went back). */
static uint64_t
delta(struct json_object *cur, struct json_object *prev, const char *key)
{
	uint64_t c = js_u64(cur, key), p = js_u64(prev, key);

	return (prev != NULL && p <= c ? c - p : c);
}

/* per: a per b, two decimals, "-" if b is 0. */
static void
per(char *buf, size_t len, uint64_t a, uint64_t b)
{
	if (b == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", (double)a / (double)b);
}

/*
 * show stats [vif] [-w s]: a row per vif, then its drops and batch
 * histograms.  Rates: between prev and reply with -w, else since the
 * vif connected.  Counters with -w are those of the last interval.
 */
void
out_stats(struct json_object *reply, struct json_object *prev,
    double watch)
{
	struct json_object *a = js_get(reply, "vifs"), *e, *pe, *c, *pc;
	struct json_object *d, *pd, *it;
	size_t i, n = a != NULL ? json_object_array_length(a) : 0;
	uint64_t txp, rxp, txb, rxb, drops, pk;
	char r1[32], r2[32], r3[32], r4[32], cp[32], np[32], dl[512];
	struct json_object_iterator di, de;
	double dt;
	struct tbl t;

	if (watch > 0)
		printf("xennetctl: every %.0f s; counters and rates of the "
		    "last interval (^C to stop)\n", watch);
	if (n == 0) {
		printf("no vifs\n");
		return;
	}
	tbl_init(&t, "llrrrrrrrrrrrr", "VIF", "STATE", "TX-PKTS", "TX-BYTES",
	    "TX-PPS", "TX-BIT/S", "RX-PKTS", "RX-BYTES", "RX-PPS", "RX-BIT/S",
	    "DROPS", "COPY/PKT", "NTFY/PKT", "SECONDS");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		c = js_get(e, "total");
		pe = prev != NULL ? stats_prev(prev, e) : NULL;
		pc = js_get(pe, "total");
		if (pe != NULL)
			dt = js_double(reply, "time") - js_double(prev, "time");
		else if (prev == NULL)
			dt = js_double(e, "connected_seconds");
		else
			dt = 0;		/* new since the last time */
		txp = delta(c, pc, "tx_packets");
		rxp = delta(c, pc, "rx_packets");
		txb = delta(c, pc, "tx_bytes");
		rxb = delta(c, pc, "rx_bytes");
		d = js_get(c, "drops");
		pd = js_get(pc, "drops");
		drops = 0;
		di = json_object_iter_begin(d);
		de = json_object_iter_end(d);
		while (d != NULL && !json_object_iter_equal(&di, &de)) {
			drops += delta(d, pd, json_object_iter_peek_name(&di));
			json_object_iter_next(&di);
		}
		pk = txp + rxp;
		rate(r1, sizeof(r1), txp, dt, 1);
		rate(r2, sizeof(r2), txb, dt, 8);
		rate(r3, sizeof(r3), rxp, dt, 1);
		rate(r4, sizeof(r4), rxb, dt, 8);
		per(cp, sizeof(cp), delta(c, pc, "copy_calls"), pk);
		per(np, sizeof(np), delta(c, pc, "notify_tx") +
		    delta(c, pc, "notify_rx"), pk);
		tbl_add(&t, "%s", js_str(e, "name"));
		tbl_add(&t, "%s%s", js_str(e, "state"),
		    js_bool(e, "answered") ? "" : " (no answer)");
		tbl_add(&t, "%llu", (unsigned long long)txp);
		tbl_add(&t, "%llu", (unsigned long long)txb);
		tbl_add(&t, "%s", r1);
		tbl_add(&t, "%s", r2);
		tbl_add(&t, "%llu", (unsigned long long)rxp);
		tbl_add(&t, "%llu", (unsigned long long)rxb);
		tbl_add(&t, "%s", r3);
		tbl_add(&t, "%s", r4);
		tbl_add(&t, "%llu", (unsigned long long)drops);
		tbl_add(&t, "%s", cp);
		tbl_add(&t, "%s", np);
		if (dt > 0)
			tbl_add(&t, "%.1f", dt);
		else
			tbl_add(&t, "-");
	}
	tbl_print(&t);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		c = js_get(e, "total");
		pe = prev != NULL ? stats_prev(prev, e) : NULL;
		pc = js_get(pe, "total");
		d = js_get(c, "drops");
		pd = js_get(pc, "drops");
		printf("\n%s: domain %llu handle %llu, %zu queue%s, batch tx "
		    "%llu rx %llu copy %llu\n", js_str(e, "name"),
		    (unsigned long long)js_u64(e, "domid"),
		    (unsigned long long)js_u64(e, "handle"),
		    json_object_array_length(js_get(e, "queues")),
		    json_object_array_length(js_get(e, "queues")) == 1 ? "" :
		    "s", (unsigned long long)js_u64(js_get(e, "batch"), "tx"),
		    (unsigned long long)js_u64(js_get(e, "batch"), "rx"),
		    (unsigned long long)js_u64(js_get(e, "batch"), "copy"));
		if (!js_bool(e, "answered"))
			printf("  warning: %s\n", js_str(e, "warning"));
		deltas(dl, sizeof(dl), d, pd, ' ');
		printf("  drops:%s\n", dl);
		printf("  carrier: off %llu times (guest rx stalled), on "
		    "%llu\n", (unsigned long long)delta(c, pc,
		    "rx_carrier_off"),
		    (unsigned long long)delta(c, pc, "rx_carrier_on"));
		it = js_get(c, "port");
		printf("  tap: %llu system calls, %llu frames read, failed "
		    "reads %llu writes %llu\n",
		    (unsigned long long)delta(it, js_get(pc, "port"),
		    "syscalls"),
		    (unsigned long long)delta(it, js_get(pc, "port"),
		    "rx_frames"),
		    (unsigned long long)delta(it, js_get(pc, "port"),
		    "rx_errors"),
		    (unsigned long long)delta(it, js_get(pc, "port"),
		    "tx_errors"));
		hist("tx", "tx_hist", c, pc);
		hist("rx", "rx_hist", c, pc);
		ctrl_lines(e, pe, c, pc);
	}
}

/*
 * ctrl_lines: a vif's control ring and multicast filter (entry e, its
 * totals c; pe, pc: the same of the earlier reply, or NULL).
 */
static void
ctrl_lines(struct json_object *e, struct json_object *pe,
    struct json_object *c, struct json_object *pc)
{
	struct json_object *k = js_get(e, "ctrl"), *pk = js_get(pe, "ctrl");
	struct json_object *m = js_get(e, "multicast");

	if (k != NULL)
		printf("  control ring: %s, requests %llu, errors %llu "
		    "(not supported %llu, invalid %llu, overflow %llu), "
		    "index faults %llu; rx hash extras %llu, steered %llu\n",
		    js_bool(k, "connected") ? "connected" : "none",
		    (unsigned long long)delta(k, pk, "requests"),
		    (unsigned long long)delta(k, pk, "errors"),
		    (unsigned long long)delta(k, pk, "not_supported"),
		    (unsigned long long)delta(k, pk, "invalid_parameter"),
		    (unsigned long long)delta(k, pk, "buffer_overflow"),
		    (unsigned long long)delta(k, pk, "index_faults"),
		    (unsigned long long)delta(c, pc, "rx_hash"),
		    (unsigned long long)delta(c, pc, "rx_steered"));
	if (m != NULL)
		printf("  multicast: filter %s, %llu of %llu groups; added "
		    "%llu, deleted %llu, refused %llu\n",
		    js_bool(m, "filter") ? "on" : "off",
		    (unsigned long long)js_u64(m, "groups"),
		    (unsigned long long)js_u64(m, "max"),
		    (unsigned long long)delta(c, pc, "mcast_add"),
		    (unsigned long long)delta(c, pc, "mcast_del"),
		    (unsigned long long)delta(c, pc, "mcast_refused"));
}

/*
 * deltas: " name<sep>n" for every counter of object h, less what ph (an
 * earlier h, or NULL) had.
 */
static void
deltas(char *buf, size_t len, struct json_object *h, struct json_object *ph,
    char sep)
{
	struct json_object_iterator i, e;
	const char *k;

	buf[0] = '\0';
	if (h == NULL)
		return;
	i = json_object_iter_begin(h);
	e = json_object_iter_end(h);
	for (; !json_object_iter_equal(&i, &e); json_object_iter_next(&i)) {
		k = json_object_iter_peek_name(&i);
		snprintf(buf + strlen(buf), len - strlen(buf), " %s%c%llu", k,
		    sep, (unsigned long long)delta(h, ph, k));
	}
}

/* hist: one batch histogram line: passes by their size (power of 2). */
static void
hist(const char *what, const char *key, struct json_object *c,
    struct json_object *pc)
{
	char buf[512];

	deltas(buf, sizeof(buf), js_get(c, key), js_get(pc, key), ':');
	printf("  %s batches (size:passes):%s\n", what, buf);
}

/* set batch, capture, reload, log level: what was done. */
void
out_result(const struct ctlreq *req, struct json_object *reply)
{
	struct json_object *a, *e;
	size_t i, n;

	switch (req->cr_verb) {
	case CTLREQ_SET_BATCH:
		a = js_get(reply, "vifs");
		n = a != NULL ? json_object_array_length(a) : 0;
		if (req->cr_vif[0] == '\0')
			printf("%s batch %u: the default for new vifs\n",
			    ctlreq_batch_name(req->cr_batch), req->cr_value);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(a, i);
			printf("%s: %s batch %u on %llu of %llu queues\n",
			    js_str(e, "name"), ctlreq_batch_name(req->cr_batch),
			    req->cr_value,
			    (unsigned long long)js_u64(e, "applied"),
			    (unsigned long long)js_u64(e, "queues"));
		}
		break;
	case CTLREQ_CAPTURE:
		printf("%s: capturing to %s", js_str(reply, "vif"),
		    js_str(reply, "file"));
		if (req->cr_count > 0)
			printf(", %llu frames", (unsigned long long)
			    req->cr_count);
		if (req->cr_seconds > 0)
			printf(", %u s", req->cr_seconds);
		printf("\n");
		break;
	case CTLREQ_CAPTURE_STOP:
		printf("%s: capture to %s stopped: %llu frames from the "
		    "guest, %llu to it\n", js_str(reply, "vif"),
		    js_str(reply, "file"),
		    (unsigned long long)js_u64(reply, "frames_tx"),
		    (unsigned long long)js_u64(reply, "frames_rx"));
		break;
	case CTLREQ_RELOAD:
		printf("%s\n", js_str(reply, "result"));
		break;
	case CTLREQ_LOG_LEVEL:
		printf("log level %llu\n",
		    (unsigned long long)js_u64(reply, "level"));
		break;
	default:
		break;
	}
}
