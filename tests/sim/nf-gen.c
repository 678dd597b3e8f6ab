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
 * netfront-sim: packet generator and sink for benchmarks (--gen, --sink).
 *
 * A generated frame is Ethernet (dst --dst-mac, src the vif's MAC,
 * ethertype 0x88b5 "local experimental") followed by a 32-octet header
 * (magic, flow = tx queue, per-flow sequence number, CLOCK_MONOTONIC
 * send time in ns, frame length, a check word) and a pattern derived from
 * the sequence number that the sink verifies.  Sender and sink run on
 * the same host clock, so the sink measures one-way latency directly.
 * Loss is counted per flow (sender's queue and source MAC) from gaps in
 * the sequence (a late frame that fills a gap is counted late and no
 * longer lost).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nf.h"

#define NF_ETHERTYPE	0x88b5
#define NF_MAGIC	0x584e4631U	/* "XNF1" */
#define NF_HDR_OFF	14
#define NF_DATA_OFF	(NF_HDR_OFF + 32)
#define NF_FLOWS	NF_MAX_QUEUES	/* generator: one flow per queue */
#define NF_SINK_FLOWS	256	/* sink: flow x source MAC octet */
#define NF_GEN_BURST	256	/* frames per nf_gen_run call */
/* latency histogram: 64 sub-buckets per power of two above 128 ns */
#define NF_HIST_SUB	64
#define NF_HIST_N	(128 + 48 * NF_HIST_SUB)

struct nf_fhdr {
	uint32_t	fh_magic;
	uint32_t	fh_flow;
	uint64_t	fh_seq;
	uint64_t	fh_ts;		/* ns, CLOCK_MONOTONIC */
	uint32_t	fh_len;
	uint32_t	fh_check;	/* magic ^ flow ^ seq ^ len */
};

struct nf_gen {
	/* generator */
	int		 g_on, g_done;
	double		 g_start, g_end, g_stop_at;
	uint64_t	 g_sent, g_bytes, g_dropped;
	uint64_t	 g_seq[NF_FLOWS];
	uint8_t		*g_frame;
	/* sink */
	int		 s_on;
	double		 s_armed, s_first, s_last;
	uint64_t	 s_pkts, s_bytes, s_lost, s_late, s_corrupt, s_other;
	uint64_t	 s_next[NF_SINK_FLOWS];
	uint64_t	 s_hist[NF_HIST_N];
	uint64_t	 s_max_ns;
};

static uint64_t	nf_ns(void);
static uint32_t	nf_check(const struct nf_fhdr *);
static void	nf_pattern(uint8_t *, size_t, uint64_t);
static int	nf_pattern_ok(const uint8_t *, size_t, uint64_t);
static unsigned int nf_hist_idx(uint64_t);
static uint64_t	nf_hist_val(unsigned int);
static double	nf_hist_pct(const struct nf_gen *, double);
static void	nf_gen_frame(struct nf *, unsigned int, size_t);

/* nf_ns: CLOCK_MONOTONIC in ns. */
static uint64_t
nf_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static uint32_t
nf_check(const struct nf_fhdr *h)
{

	return (h->fh_magic ^ h->fh_flow ^ (uint32_t)h->fh_seq ^
	    (uint32_t)(h->fh_seq >> 32) ^ h->fh_len);
}

/*
 * nf_pattern: fill len octets with 64-bit words (seq << 20) + word index
 * (little endian as stored), the last word cut short.
 */
static void
nf_pattern(uint8_t *p, size_t len, uint64_t seq)
{
	uint64_t w, base = seq << 20;
	size_t k;

	for (k = 0; k + 8 <= len; k += 8) {
		w = base + k / 8;
		memcpy(p + k, &w, 8);
	}
	if (k < len) {
		w = base + k / 8;
		memcpy(p + k, &w, len - k);
	}
}

/* nf_pattern_ok: 1 if p holds nf_pattern(len, seq). */
static int
nf_pattern_ok(const uint8_t *p, size_t len, uint64_t seq)
{
	uint64_t w, base = seq << 20;
	size_t k;

	for (k = 0; k + 8 <= len; k += 8) {
		w = base + k / 8;
		if (memcmp(p + k, &w, 8) != 0)
			return (0);
	}
	if (k < len) {
		w = base + k / 8;
		if (memcmp(p + k, &w, len - k) != 0)
			return (0);
	}
	return (1);
}

/*
 * nf_hist_idx: histogram bucket of v ns: exact below 128, then 64
 * buckets per power of two (under 1.6 % error).
 */
static unsigned int
nf_hist_idx(uint64_t v)
{
	unsigned int e, shift, idx;

	if (v < 128)
		return ((unsigned int)v);
	e = 63 - (unsigned int)__builtin_clzll(v);	/* >= 7 */
	shift = e - 6;
	idx = 128 + (e - 7) * NF_HIST_SUB +
	    (unsigned int)((v >> shift) - NF_HIST_SUB);
	return (idx < NF_HIST_N ? idx : NF_HIST_N - 1);
}

/* nf_hist_val: the middle of bucket idx, ns. */
static uint64_t
nf_hist_val(unsigned int idx)
{
	unsigned int e, shift;

	if (idx < 128)
		return (idx);
	e = (idx - 128) / NF_HIST_SUB + 7;
	shift = e - 6;
	return ((((uint64_t)((idx - 128) % NF_HIST_SUB) + NF_HIST_SUB) <<
	    shift) + ((1ULL << shift) >> 1));
}

/* nf_hist_pct: the p-th percentile (0 < p <= 100) of latency, in us. */
static double
nf_hist_pct(const struct nf_gen *g, double p)
{
	uint64_t total = 0, want, acc = 0;
	unsigned int i;

	for (i = 0; i < NF_HIST_N; i++)
		total += g->s_hist[i];
	if (total == 0)
		return (0);
	want = (uint64_t)((double)total * p / 100.0 + 0.5);
	if (want == 0)
		want = 1;
	for (i = 0; i < NF_HIST_N; i++) {
		acc += g->s_hist[i];
		if (acc >= want)
			break;
	}
	if (i == NF_HIST_N)
		i = NF_HIST_N - 1;
	return ((double)nf_hist_val(i) / 1000.0);
}

/* nf_gen_init: set up --gen / --sink.  Returns 0 or -1. */
int
nf_gen_init(struct nf *nf)
{
	struct nf_gen *g;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->g_frame = malloc(NF_TX_MAX)) == NULL) {
		slog_warn("generator buffers");
		free(g);
		return (-1);
	}
	g->g_on = (nf->nf_o.o_flags & NF_O_GEN) != 0;
	g->s_on = (nf->nf_o.o_flags & NF_O_SINK) != 0;
	nf->nf_gen = g;
	return (0);
}

/* nf_gen_free: release the generator/sink. */
void
nf_gen_free(struct nf *nf)
{

	if (nf->nf_gen == NULL)
		return;
	free(nf->nf_gen->g_frame);
	free(nf->nf_gen);
	nf->nf_gen = NULL;
}

/* nf_gen_frame: build the next frame of flow into g_frame. */
static void
nf_gen_frame(struct nf *nf, unsigned int flow, size_t len)
{
	struct nf_gen *g = nf->nf_gen;
	struct nf_fhdr h;
	uint8_t *f = g->g_frame;

	memcpy(f, nf->nf_o.o_dst, 6);
	memcpy(f + 6, nf->nf_mac, 6);
	f[12] = NF_ETHERTYPE >> 8;
	f[13] = NF_ETHERTYPE & 0xff;
	h.fh_magic = NF_MAGIC;
	h.fh_flow = flow;
	h.fh_seq = g->g_seq[flow];
	h.fh_len = (uint32_t)len;
	h.fh_check = nf_check(&h);
	if (!(nf->nf_o.o_flags & NF_O_NO_VERIFY))
		nf_pattern(f + NF_DATA_OFF, len - NF_DATA_OFF, h.fh_seq);
	h.fh_ts = nf_ns();
	memcpy(f + NF_HDR_OFF, &h, sizeof(h));
}

/*
 * nf_gen_run: send what the rate, the count and the rings allow now.
 * Returns how long (s) until it wants to run again, or -1 if it waits
 * for tx responses (an event) or has nothing to do.
 */
double
nf_gen_run(struct nf *nf)
{
	struct nf_gen *g = nf->nf_gen;
	const struct nf_opts *o = &nf->nf_o;
	struct nf_queue *q;
	double now, due, ret = -1;
	unsigned int n, i, flow;
	size_t len;
	int r;

	if (!nf->nf_carrier || nf->nf_phase != NF_CONNECTED ||
	    nf->nf_nqueues == 0)
		return (-1);
	now = nf_now();
	if (g->s_armed == 0) {
		g->s_armed = now;	/* sink-only --duration starts here */
		if (g->g_on) {
			g->g_start = now;
			if (o->o_duration > 0)
				g->g_stop_at = now + o->o_duration;
		}
	}
	if (!g->g_on || g->g_done)
		return (-1);
	for (n = 0; n < NF_GEN_BURST; n++) {
		if ((o->o_count && g->g_sent + g->g_dropped >= o->o_count) ||
		    (g->g_stop_at > 0 && now >= g->g_stop_at)) {
			g->g_done = 1;
			g->g_end = nf_now();
			slog_debug("generator done: %llu sent",
			    (unsigned long long)g->g_sent);
			break;
		}
		if (o->o_rate) {
			due = g->g_start + (double)(g->g_sent + g->g_dropped) /
			    (double)o->o_rate;
			if (due > now) {
				ret = due - now;
				break;
			}
		}
		flow = (unsigned int)((g->g_sent + g->g_dropped) %
		    nf->nf_nqueues);
		q = nf->nf_q[flow];
		len = o->o_sizes[(g->g_sent + g->g_dropped) % o->o_nsizes];
		if (!nf_tx_room(q, len, 0)) {
			nf_tx_gc(q);
			if (!nf_tx_room(q, len, 0))
				break;	/* wait for tx responses */
		}
		nf_gen_frame(nf, flow, len);
		r = nf_tx_packet(q, NULL, g->g_frame, len);
		if (r == -1)
			break;
		g->g_seq[flow]++;
		if (r == 0) {
			g->g_sent++;
			g->g_bytes += len;
		} else
			g->g_dropped++;
		if (o->o_rate)
			now = nf_now();
	}
	if (n == NF_GEN_BURST)
		ret = 0;	/* more to send: come back at once */
	for (i = 0; i < nf->nf_nqueues; i++)
		nf_tx_push(nf->nf_q[i]);
	return (ret);
}

/*
 * nf_sink_input: account one received frame: ours (ethertype, magic,
 * check word, length, pattern) or not; latency from its timestamp; loss
 * and reordering from its flow's sequence.
 */
void
nf_sink_input(struct nf *nf, const uint8_t *f, size_t len)
{
	struct nf_gen *g = nf->nf_gen;
	struct nf_fhdr h;
	uint64_t now, *next;

	if (!g->s_on)
		return;
	if (len < NF_DATA_OFF || f[12] != (NF_ETHERTYPE >> 8) ||
	    f[13] != (NF_ETHERTYPE & 0xff)) {
		g->s_other++;
		return;
	}
	memcpy(&h, f + NF_HDR_OFF, sizeof(h));
	if (h.fh_magic != NF_MAGIC) {
		g->s_other++;
		return;
	}
	if (h.fh_check != nf_check(&h) || h.fh_len != len ||
	    h.fh_flow >= NF_FLOWS || (!(nf->nf_o.o_flags & NF_O_NO_VERIFY) &&
	    !nf_pattern_ok(f + NF_DATA_OFF, len - NF_DATA_OFF, h.fh_seq))) {
		g->s_corrupt++;
		return;
	}
	now = nf_ns();
	if (now >= h.fh_ts) {
		g->s_hist[nf_hist_idx(now - h.fh_ts)]++;
		if (now - h.fh_ts > g->s_max_ns)
			g->s_max_ns = now - h.fh_ts;
	}
	/* several generators may send to one sink: key by source too */
	next = &g->s_next[(f[11] * NF_FLOWS + h.fh_flow) % NF_SINK_FLOWS];
	if (h.fh_seq >= *next) {
		g->s_lost += h.fh_seq - *next;
		*next = h.fh_seq + 1;
	} else {
		g->s_late++;
		if (g->s_lost > 0)
			g->s_lost--;
	}
	if (g->s_pkts == 0)
		g->s_first = (double)now / 1e9;
	g->s_last = (double)now / 1e9;
	g->s_pkts++;
	g->s_bytes += len;
}

/*
 * nf_gen_done: 1 when the run is over: the sink has its --count, or
 * --duration passed, or the generator finished and (sink) nothing
 * arrived for --linger ms / (gen only) every tx slot came back.
 */
int
nf_gen_done(struct nf *nf)
{
	struct nf_gen *g = nf->nf_gen;
	const struct nf_opts *o = &nf->nf_o;
	double now = nf_now(), quiet;
	unsigned int i;
	int idle = 1;

	if (g->s_armed == 0)
		return (0);	/* not connected yet */
	if (g->g_on && !g->g_done)
		return (0);
	if (g->s_on) {
		if (o->o_count && g->s_pkts >= o->o_count)
			return (1);
		if (!g->g_on)
			return (o->o_duration > 0 &&
			    now >= g->s_armed + o->o_duration);
		quiet = now - (g->s_last > g->g_end ? g->s_last : g->g_end);
		return (quiet * 1000 >= o->o_linger_ms);
	}
	for (i = 0; i < nf->nf_nqueues; i++)
		if (nf->nf_q[i]->q_ntxfree != NF_RING)
			idle = 0;
	return (idle || (now - g->g_end) * 1000 >= o->o_linger_ms);
}

/* nf_gen_report: the summary lines (stdout), one per role. */
void
nf_gen_report(struct nf *nf)
{
	struct nf_gen *g = nf->nf_gen;
	double t;

	if (g->g_on) {
		if (!g->g_done)
			g->g_end = nf_now();
		t = g->g_start > 0 ? g->g_end - g->g_start : 0;
		printf("gen: packets=%llu bytes=%llu dropped=%llu "
		    "seconds=%.3f pps=%.0f gbps=%.3f\n",
		    (unsigned long long)g->g_sent,
		    (unsigned long long)g->g_bytes,
		    (unsigned long long)g->g_dropped, t,
		    t > 0 ? (double)g->g_sent / t : 0,
		    t > 0 ? (double)g->g_bytes * 8 / t / 1e9 : 0);
	}
	if (g->s_on) {
		t = g->s_last - g->s_first;
		printf("sink: packets=%llu bytes=%llu seconds=%.3f pps=%.0f "
		    "gbps=%.3f lost=%llu late=%llu corrupt=%llu other=%llu "
		    "lat_us_p50=%.1f lat_us_p90=%.1f lat_us_p99=%.1f "
		    "lat_us_max=%.1f\n",
		    (unsigned long long)g->s_pkts,
		    (unsigned long long)g->s_bytes, t,
		    t > 0 ? (double)g->s_pkts / t : 0,
		    t > 0 ? (double)g->s_bytes * 8 / t / 1e9 : 0,
		    (unsigned long long)g->s_lost,
		    (unsigned long long)g->s_late,
		    (unsigned long long)g->s_corrupt,
		    (unsigned long long)g->s_other,
		    nf_hist_pct(g, 50), nf_hist_pct(g, 90), nf_hist_pct(g, 99),
		    (double)g->s_max_ns / 1000.0);
	}
	fflush(stdout);
}
