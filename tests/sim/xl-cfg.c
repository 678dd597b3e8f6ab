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
 * xl-sim: the xl config file and vif specifications, parsed as xl does
 * (xl_parse.c, libxlu), and libxl's defaults for a vif.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "slog.h"
#include "xl.h"

/* Tokens of the small xl config file parser. */
enum xl_tok {
	T_EOF,
	T_EOL,
	T_WORD,
	T_STRING,
	T_CHAR
};

struct xl_lex {
	const char	*lx_file;
	const char	*lx_p;
	int		 lx_line;
	enum xl_tok	 lx_tok;
	char		 lx_text[1024];
};

static int	 xl_cfg_rate(const char *, const char *, struct xl_nic *);
static void	 xl_cfg_setstr(char **, const char *);
static int	 xl_cfg_nic_token(struct xl_nic *, const char *,
		    const char *);
static void	 xl_cfg_lex(struct xl_lex *);
static int	 xl_cfg_error(struct xl_lex *, const char *);
static char	*xl_cfg_file(const char *);
static int	 xl_cfg_value(struct xl_lex *, const char *,
		    struct xl_domcfg *);

const char	*xl_scripts = XL_SCRIPT_DIR;

/*
 * vif specifications (xl_parse.c parse_nic_config, libxlu_vif.c).
 */

/* xl_cfg_mac: six 1-2 digit hex octets separated by ':' or '-'. */
int
xl_cfg_mac(const char *s, uint8_t *mac)
{
	unsigned long v;
	char *end;
	int i;

	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]))
			return (-1);
		v = strtoul(s, &end, 16);
		if (v > 255 || end - s > 2)
			return (-1);
		mac[i] = (uint8_t)v;
		if (i < 5 && *end != ':' && *end != '-')
			return (-1);
		s = end + (i < 5 ? 1 : 0);
	}
	return (*s == '\0' ? 0 : -1);
}

/*
 * xl_cfg_rate: "RATE[@INTERVAL]" with RATE = N[GMK](B|b)/s and
 * INTERVAL = N[m|u][s] (default 50 ms), as xlu_vif_parse_rate.  Fills
 * n_rate_bytes (bytes per interval) and n_rate_usecs.
 */
static int
xl_cfg_rate(const char *src, const char *rate, struct xl_nic *nic)
{
	char buf[128], *iv, *p;
	unsigned long long bps, usecs = 50000;
	size_t n;

	if (xl_fmt(buf, sizeof(buf), "%s", rate) == -1)
		goto bad;
	iv = strchr(buf, '@');
	if (iv != NULL)
		*iv++ = '\0';
	if (buf[0] == '\0') {
		fprintf(stderr, "%s: config parsing error in vif: "
		    "no rate specified in `%s'\n", src, rate);
		return (-1);
	}
	n = strspn(buf, "0123456789");
	if (num_parsen(buf, n, UINT32_MAX, &bps) == -1 || bps == 0)
		goto bad;
	p = buf + n;
	if (*p == 'G' || *p == 'M' || *p == 'K') {
		bps *= *p == 'G' ? 1000000000ULL : *p == 'M' ? 1000000ULL :
		    1000ULL;
		p++;
	}
	if (*p == 'b')
		bps /= 8;
	else if (*p != 'B')
		goto bad;
	if (strcmp(p + 1, "/s") != 0)
		goto bad;
	if (iv != NULL) {
		n = strspn(iv, "0123456789");
		if (num_parsen(iv, n, UINT32_MAX, &usecs) == -1 ||
		    usecs == 0)
			goto bad;
		p = iv + n;
		if (*p == 'm')
			usecs *= 1000, p++;
		else if (*p == 'u')
			p++;
		else
			usecs *= 1000000;
		if (*p == 's')
			p++;
		if (*p != '\0' || usecs > UINT32_MAX)
			goto bad;
	}
	nic->n_rate_bytes = bps * usecs / 1000000;
	nic->n_rate_usecs = (uint32_t)usecs;
	return (0);
bad:
	fprintf(stderr, "%s: config parsing error in vif: invalid rate "
	    "in `%s'\n", src, rate);
	return (-1);
}

/* xl_cfg_setstr: replace *dst by a copy of val. */
static void
xl_cfg_setstr(char **dst, const char *val)
{

	free(*dst);
	*dst = strdup(val);
	if (*dst == NULL) {
		slog_fatal("strdup");
	}
}

/*
 * xl_cfg_nic_token: apply one "key=value" (or "trusted"/"untrusted") of
 * a vif spec.  Returns 0, or -1 after xl's message for bad input.
 */
static int
xl_cfg_nic_token(struct xl_nic *nic, const char *src, const char *tok)
{
	const char *eq = strchr(tok, '=');
	const char *val = eq != NULL ? eq + 1 : "";
	size_t klen = eq != NULL ? (size_t)(eq - tok) : strlen(tok);
	unsigned long long ul;
	char key[32];

	if (klen >= sizeof(key))
		klen = sizeof(key) - 1;
	memcpy(key, tok, klen);
	key[klen] = '\0';
	if (eq == NULL) {
		if (strcmp(tok, "trusted") == 0)
			nic->n_trusted = 1;
		else if (strcmp(tok, "untrusted") == 0)
			nic->n_trusted = 0;
		else
			goto unknown;
		return (0);
	}
	if (strcmp(key, "type") == 0) {
		if (strcmp(val, "ioemu") == 0) {
			xl_log(XL_ERROR, S_NIC_IOEMU, -1, -1,
			    "trying to create PV or PVH guest with an "
			    "emulated interface");
			return (-1);
		}
		if (strcmp(val, "vif") != 0) {
			fprintf(stderr, "Invalid parameter `type'.\n");
			return (-1);
		}
	} else if (strcmp(key, "mac") == 0) {
		if (xl_cfg_mac(val, nic->n_mac) == -1) {
			fprintf(stderr, "Invalid parameter `mac'.\n");
			return (-1);
		}
		nic->n_mac_set = 1;
	} else if (strcmp(key, "bridge") == 0) {
		xl_cfg_setstr(&nic->n_bridge, val);
	} else if (strcmp(key, "netdev") == 0 ||
	    strcmp(key, "gatewaydev") == 0) {
		if (key[0] == 'n')
			fprintf(stderr, "the netdev parameter is deprecated, "
			    "please use gatewaydev instead\n");
		xl_cfg_setstr(&nic->n_gatewaydev, val);
	} else if (strcmp(key, "ip") == 0) {
		xl_cfg_setstr(&nic->n_ip, val);
	} else if (strcmp(key, "script") == 0) {
		xl_cfg_setstr(&nic->n_script, val);
	} else if (strcmp(key, "vifname") == 0) {
		xl_cfg_setstr(&nic->n_ifname, val);
	} else if (strcmp(key, "model") == 0) {
		/* emulated NIC model: meaningless for a PV guest */
	} else if (strcmp(key, "backend") == 0) {
		if (strcmp(val, "0") != 0 && strcmp(val, "Domain-0") != 0) {
			slog_warnx("backend=%s: driver domains are not "
			    "simulated (only dom0)", val);
			return (-1);
		}
	} else if (strcmp(key, "rate") == 0) {
		if (xl_cfg_rate(src, val, nic) == -1)
			return (-1);
	} else if (strcmp(key, "accel") == 0) {
		fprintf(stderr, "the accel parameter for vifs is currently "
		    "not supported\n");
	} else if (strcmp(key, "devid") == 0) {
		if (num_parse(val, XL_MAX_DOMID, &ul) == -1) {
			fprintf(stderr, "Invalid parameter `devid'.\n");
			return (-1);
		}
		nic->n_devid = (int)ul;
	} else if (strcmp(key, "mtu") == 0) {
		if (num_parse(val, 65535, &ul) == -1 || ul == 0) {
			fprintf(stderr, "Invalid parameter `mtu'.\n");
			return (-1);
		}
		nic->n_mtu = ul;
	} else if (strcmp(key, "forwarddev") == 0 ||
	    strncmp(key, "colo_", 5) == 0) {
		slog_warnx("`%s': COLO is not simulated", tok);
		return (-1);
	} else
		goto unknown;
	return (0);
unknown:
	fprintf(stderr, "unrecognized argument `%s'\n", tok);
	return (-1);
}

/*
 * xl_cfg_nic: apply a comma separated vif spec to nic.  Empty
 * items are skipped and leading blanks ignored, as xl does.  Returns 0
 * or -1 (message printed).
 */
int
xl_cfg_nic(struct xl_nic *nic, const char *src, const char *spec)
{
	char *buf, *p, *save = NULL;
	int rc = 0;

	buf = strdup(spec);
	if (buf == NULL) {
		slog_warn("strdup");
		return (-1);
	}
	for (p = strtok_r(buf, ",", &save); p != NULL && rc == 0;
	    p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0')
			rc = xl_cfg_nic_token(nic, src, p);
	}
	free(buf);
	return (rc);
}

void
xl_cfg_nic_init(struct xl_nic *nic)
{

	memset(nic, 0, sizeof(*nic));
	nic->n_devid = -1;
	nic->n_trusted = 1;
}

void
xl_cfg_nic_free(struct xl_nic *nic)
{

	free(nic->n_bridge);
	free(nic->n_script);
	free(nic->n_ifname);
	free(nic->n_ip);
	free(nic->n_gatewaydev);
	xl_cfg_nic_init(nic);
}

/*
 * xl_cfg_nic_setdefault: libxl__device_nic_setdefault: a random
 * 00:16:3e MAC, bridge xenbr0, script vif-bridge, and the script made
 * absolute against the scripts directory (libxl__abs_path).
 */
int
xl_cfg_nic_setdefault(struct xl_nic *nic)
{
	char path[XL_VALLEN];
	uint8_t r[3];

	if (!nic->n_mac_set) {
		xl_random(r, sizeof(r));
		nic->n_mac[0] = 0x00;
		nic->n_mac[1] = 0x16;
		nic->n_mac[2] = 0x3e;
		nic->n_mac[3] = r[0] & 0x7f;
		nic->n_mac[4] = r[1];
		nic->n_mac[5] = r[2];
		nic->n_mac_set = 1;
	}
	if (nic->n_bridge == NULL)
		xl_cfg_setstr(&nic->n_bridge, "xenbr0");
	if (nic->n_script == NULL)
		xl_cfg_setstr(&nic->n_script, "vif-bridge");
	if (nic->n_script[0] != '/') {
		if (xl_fmt(path, sizeof(path), "%s/%s", xl_scripts,
		    nic->n_script) == -1) {
			xl_log(XL_ERROR, S_XLSIM, -1, -1,
			    "script path too long");
			return (-1);
		}
		xl_cfg_setstr(&nic->n_script, path);
	}
	if (nic->n_mtu == 0)
		nic->n_mtu = XL_MTU_DEFAULT;
	return (0);
}

/*
 * The xl config file: "key = value" lines, values "string", 'string',
 * numbers or [ list, ... ] over several lines, # comments.  Only name,
 * memory and vif are used; other keys are accepted and ignored.
 */

/* xl_cfg_lex: read the next token into lx. */
static void
xl_cfg_lex(struct xl_lex *lx)
{
	const char *p = lx->lx_p;
	size_t n = 0;
	char q;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p == '#')
		while (*p != '\0' && *p != '\n')
			p++;
	lx->lx_text[0] = '\0';
	if (*p == '\0') {
		lx->lx_tok = T_EOF;
	} else if (*p == '\n') {
		lx->lx_tok = T_EOL;
		lx->lx_line++;
		p++;
	} else if (*p == '"' || *p == '\'') {
		q = *p++;
		while (*p != '\0' && *p != q && *p != '\n') {
			if (n + 1 < sizeof(lx->lx_text))
				lx->lx_text[n++] = *p;
			p++;
		}
		lx->lx_text[n] = '\0';
		if (*p == q) {
			lx->lx_tok = T_STRING;
			p++;
		} else
			lx->lx_tok = T_CHAR;	/* unterminated: an error */
	} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
	    *p == '-') {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
		    *p == '-') {
			if (n + 1 < sizeof(lx->lx_text))
				lx->lx_text[n++] = *p;
			p++;
		}
		lx->lx_text[n] = '\0';
		lx->lx_tok = T_WORD;
	} else {
		lx->lx_text[0] = *p++;
		lx->lx_text[1] = '\0';
		lx->lx_tok = T_CHAR;
	}
	lx->lx_p = p;
}

static int
xl_cfg_error(struct xl_lex *lx, const char *what)
{

	fprintf(stderr, "%s:%d: config parsing error near `%s': %s\n",
	    lx->lx_file, lx->lx_line, lx->lx_text, what);
	return (-1);
}

/* xl_cfg_file: the whole of a file, NUL terminated (free it), or NULL. */
static char *
xl_cfg_file(const char *path)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return (NULL);
	for (;;) {
		if (cap - len < 4096) {
			if (cap > (1 << 20)) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap + 8192);
			if (nb == NULL)
				goto fail;
			buf = nb;
			cap += 8192;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (buf);
fail:
	close(fd);
	free(buf);
	return (NULL);
}

/*
 * xl_cfg_value: parse the value of key (the lexer is on its first
 * token) and store it in cfg if it is one we use.
 */
static int
xl_cfg_value(struct xl_lex *lx, const char *key,
    struct xl_domcfg *cfg)
{
	unsigned long long v;
	int islist = 0, first = 1;

	if (lx->lx_tok == T_CHAR && lx->lx_text[0] == '[') {
		islist = 1;
		xl_cfg_lex(lx);
	}
	for (;;) {
		while (islist && lx->lx_tok == T_EOL)
			xl_cfg_lex(lx);
		if (islist && lx->lx_tok == T_CHAR && lx->lx_text[0] == ']') {
			xl_cfg_lex(lx);
			break;
		}
		if (lx->lx_tok != T_STRING && lx->lx_tok != T_WORD)
			return (xl_cfg_error(lx, "syntax error"));
		if (strcmp(key, "name") == 0 && !islist) {
			if (xl_fmt(cfg->dc_name, sizeof(cfg->dc_name),
			    "%s", lx->lx_text) == -1)
				return (xl_cfg_error(lx, "name too long"));
		} else if (strcmp(key, "memory") == 0 && !islist) {
			if (num_parse(lx->lx_text, XL_MEM_MAX, &v) == -1 ||
			    v == 0)
				return (xl_cfg_error(lx, "bad memory"));
			cfg->dc_mem = v;
		} else if (strcmp(key, "vif") == 0 && islist) {
			if (cfg->dc_nnics >= XL_MAX_NICS)
				return (xl_cfg_error(lx, "too many vifs"));
			xl_cfg_nic_init(&cfg->dc_nics[cfg->dc_nnics]);
			if (xl_cfg_nic(&cfg->dc_nics[cfg->dc_nnics++],
			    lx->lx_file, lx->lx_text) == -1)
				return (-1);
		} else if ((strcmp(key, "vif") == 0 ||
		    strcmp(key, "name") == 0 ||
		    strcmp(key, "memory") == 0) && first)
			return (xl_cfg_error(lx, "wrong type of value"));
		first = 0;
		xl_cfg_lex(lx);
		if (!islist)
			break;
		while (lx->lx_tok == T_EOL)
			xl_cfg_lex(lx);
		if (lx->lx_tok == T_CHAR && lx->lx_text[0] == ',')
			xl_cfg_lex(lx);
		else if (!(lx->lx_tok == T_CHAR && lx->lx_text[0] == ']'))
			return (xl_cfg_error(lx, "syntax error"));
	}
	return (0);
}

/*
 * xl_cfg_parse: read the xl config file path into cfg.  Returns 0,
 * or -1 after a message.
 */
int
xl_cfg_parse(const char *path, struct xl_domcfg *cfg)
{
	struct xl_lex lx;
	char key[64], *text;
	int rc = 0;

	text = xl_cfg_file(path);
	if (text == NULL) {
		fprintf(stderr, "Failed to read config file: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	memset(&lx, 0, sizeof(lx));
	lx.lx_file = path;
	lx.lx_p = text;
	lx.lx_line = 1;
	xl_cfg_lex(&lx);
	while (rc == 0 && lx.lx_tok != T_EOF) {
		if (lx.lx_tok == T_EOL ||
		    (lx.lx_tok == T_CHAR && lx.lx_text[0] == ';')) {
			xl_cfg_lex(&lx);
			continue;
		}
		if (lx.lx_tok != T_WORD) {
			rc = xl_cfg_error(&lx, "syntax error");
			break;
		}
		if (xl_fmt(key, sizeof(key), "%s", lx.lx_text) == -1) {
			rc = xl_cfg_error(&lx, "key too long");
			break;
		}
		xl_cfg_lex(&lx);
		if (lx.lx_tok != T_CHAR || lx.lx_text[0] != '=') {
			rc = xl_cfg_error(&lx, "syntax error");
			break;
		}
		xl_cfg_lex(&lx);
		rc = xl_cfg_value(&lx, key, cfg);
		if (rc == 0 && lx.lx_tok != T_EOL && lx.lx_tok != T_EOF &&
		    !(lx.lx_tok == T_CHAR && lx.lx_text[0] == ';'))
			rc = xl_cfg_error(&lx, "syntax error");
	}
	free(text);
	return (rc);
}
