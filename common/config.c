/* Reading /etc/hcoop.conf (see config.h and man/hcoop.conf.5): lines,
 * the walk of the keyword table (config_table.c), storing each value in
 * its field after the checks of config_check.c, and freeing. The parser
 * never logs and never exits: errors are "FILE:LINE: KEYWORD: what is
 * wrong" in the caller's buffer. */
#include "config.h"
#include "config_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "errbuf.h"
#include "numparse.h"

#define LINE_MAX_LEN 4096 /* bytes, newline excluded */

/* KT_UINT fields are 'unsigned' or 'uint32_t'; one store serves both. */
_Static_assert(_Generic((uint32_t)0, unsigned int: 1, default: 0),
	       "uint32_t must be unsigned int");

struct parser {
	const char *path;
	unsigned line;
	unsigned seen[HC_CONFIG_MAX_KEYWORDS]; /* line a keyword was (last) set on */
	char *err;
	size_t errlen;
};

/* ---- messages ---- */

/* "FILE:LINE: KEYWORD: what" (kw NULL: "FILE:LINE: what"); -EINVAL */
static int perr(struct parser *p, const char *kw, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *p, const char *kw, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (kw)
		hc_set_err(p->err, p->errlen, "%s:%u: %s: %s", p->path, p->line, kw,
			what);
	else
		hc_set_err(p->err, p->errlen, "%s:%u: %s", p->path, p->line, what);
	return -EINVAL;
}

/* ---- storing values ---- */

static int store_string(struct parser *p, struct hc_config *cfg,
			const struct keyword *kw, const char *v)
{
	char **slot = field(cfg, kw);
	const char *why;
	char *copy = NULL;

	if ((kw->flags & KF_NONE) && strcmp(v, "none") == 0)
		goto store;
	why = hc_config_check_string(kw->type, v);
	if (!why && kw->type == KT_ACL)
		why = hc_config_check_acl_unique(slot, *count_of(cfg, kw), v);
	if (!why && (kw->flags & KF_NOTROOT) && strcmp(v, "/") == 0)
		why = "must not be /";
	if (why)
		return perr(p, kw->name, "'%.100s': %s", v, why);
	copy = strdup(v);
	if (!copy)
		return perr(p, kw->name, "out of memory");
store:
	if (kw->flags & KF_MULTI) {
		slot[*count_of(cfg, kw)] = copy;
		(*count_of(cfg, kw))++;
	} else {
		free(*slot);
		*slot = copy;
	}
	return 0;
}

static int store_enum(struct parser *p, struct hc_config *cfg,
		      const struct keyword *kw, const char *v)
{
	int val;

	switch (kw->type) {
	case KT_BOOL:
		if (hc_config_enum_lookup(&hc_config_bool_words, v, &val) < 0)
			return perr(p, kw->name,
				    "'%.100s': expected yes, no, on, off, "
				    "true or false", v);
		*(bool *)field(cfg, kw) = val;
		return 0;
	case KT_SSL:
		if (hc_config_enum_lookup(&hc_config_ssl_words, v, &val) < 0)
			return perr(p, kw->name,
				    "'%.100s': expected start_tls, on or off", v);
		*(enum hc_ssl *)field(cfg, kw) = (enum hc_ssl)val;
		return 0;
	default:
		if (hc_config_enum_lookup(&hc_config_reqcert_words, v, &val) < 0)
			return perr(p, kw->name,
				    "'%.100s': expected never, allow, try, "
				    "demand or hard", v);
		*(enum hc_reqcert *)field(cfg, kw) = (enum hc_reqcert)val;
		return 0;
	}
}

static int store_number(struct parser *p, struct hc_config *cfg,
			const struct keyword *kw, const char *v)
{
	uint32_t val;
	int r;

	if (kw->type == KT_MODE) {
		r = hc_parse_mode(v, &val);
		if (r == -ERANGE)
			return perr(p, kw->name, "'%.100s': out of range (at most 07777)", v);
		if (r < 0)
			return perr(p, kw->name, "'%.100s': not an octal mode like 0750", v);
	} else {
		r = hc_parse_u32(v, kw->min, kw->max, &val);
		if (r == -ERANGE)
			return perr(p, kw->name, "'%.100s': out of range (%u to %u)",
				    v, kw->min, kw->max);
		if (r < 0)
			return perr(p, kw->name, "'%.100s': not a number", v);
	}
	*(uint32_t *)field(cfg, kw) = val;
	return 0;
}

static int store_value(struct parser *p, struct hc_config *cfg,
		       const struct keyword *kw, const char *v)
{
	if (is_string_type(kw->type))
		return store_string(p, cfg, kw, v);
	if (kw->type == KT_UINT || kw->type == KT_MODE)
		return store_number(p, cfg, kw, v);
	return store_enum(p, cfg, kw, v);
}

/* ---- lines ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const struct keyword *find_keyword(const char *name)
{
	size_t i;

	/* as in ldap.conf: "URI" and "uri" are the same keyword */
	for (i = 0; i < hc_config_n_keywords; i++)
		if (strcasecmp(hc_config_keywords[i].name, name) == 0)
			return &hc_config_keywords[i];
	return NULL;
}

static const char *find_ctrl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return s;
	return NULL;
}

/* Single-valued keywords may appear once; multi-valued up to max times. */
static int check_repeat(struct parser *p, struct hc_config *cfg,
			const struct keyword *kw)
{
	unsigned prev = p->seen[kw - hc_config_keywords];

	if (kw->flags & KF_MULTI) {
		if (*count_of(cfg, kw) >= kw->max)
			return perr(p, kw->name, "too many values (at most %u)",
				    kw->max);
		return 0;
	}
	if (prev)
		return perr(p, kw->name, "already set on line %u", prev);
	return 0;
}

/* Split off the value: DNs take the rest of the line (they may contain
 * spaces), lists (KF_LIST) are split by store_list, every other keyword
 * takes exactly one token. */
static int split_value(struct parser *p, const struct keyword *kw, char *v)
{
	char *end, *rest;

	if (*v == '\0')
		return perr(p, kw->name, "missing value");
	if (kw->type == KT_DN || kw->type == KT_CMD || (kw->flags & KF_LIST))
		return 0;
	end = v + strcspn(v, " \t");
	if (*end == '\0')
		return 0;
	*end = '\0';
	for (rest = end + 1; is_space(*rest); rest++)
		;
	return perr(p, kw->name, "unexpected argument '%.100s' after the value",
		    rest);
}

static int store_one(struct parser *p, struct hc_config *cfg,
		     const struct keyword *kw, const char *v)
{
	int r = check_repeat(p, cfg, kw);

	return r < 0 ? r : store_value(p, cfg, kw, v);
}

/* "uri A B C": each blank-separated word is one value, as in ldap.conf;
 * the total over all lines stays bounded by kw->max. */
static int store_list(struct parser *p, struct hc_config *cfg,
		      const struct keyword *kw, char *v)
{
	char *word, *save = NULL;
	int r = 0;

	for (word = strtok_r(v, " \t", &save); word && r == 0;
	     word = strtok_r(NULL, " \t", &save))
		r = store_one(p, cfg, kw, word);
	return r;
}

static int parse_line(struct parser *p, struct hc_config *cfg, char *line)
{
	const struct keyword *kw;
	char *name, *v, *end;
	size_t n = strlen(line);
	const char *bad;
	int r;

	while (n > 0 && (is_space(line[n - 1]) || line[n - 1] == '\r'))
		line[--n] = '\0';
	for (name = line; is_space(*name); name++)
		;
	if (*name == '\0' || *name == '#')
		return 0;
	end = name + strcspn(name, " \t");
	v = end;
	while (is_space(*v))
		v++;
	*end = '\0';
	if (find_ctrl(name))
		return perr(p, NULL, "control character in keyword");
	kw = find_keyword(name);
	if (!kw)
		return perr(p, NULL, "unknown keyword '%.100s'", name);
	bad = find_ctrl(v);
	if (bad)
		return perr(p, kw->name, "control character (byte 0x%02x) in value",
			    (unsigned char)*bad);
	r = split_value(p, kw, v);
	if (r == 0)
		r = (kw->flags & KF_LIST) ? store_list(p, cfg, kw, v)
					  : store_one(p, cfg, kw, v);
	if (r == 0)
		p->seen[kw - hc_config_keywords] = p->line;
	return r;
}

/* One line into buf (size LINE_MAX_LEN + 1), newline removed.
 * 1: a line; 0: end of file; -E2BIG too long; -EILSEQ NUL byte; -errno. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n = 0;
	bool nul = false;
	int c;

	errno = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (n + 1 >= size)
			return -E2BIG;
		nul |= (c == '\0');
		buf[n++] = (char)c;
	}
	if (c == EOF && ferror(f))
		return errno ? -errno : -EIO;
	if (c == EOF && n == 0)
		return 0;
	buf[n] = '\0';
	return nul ? -EILSEQ : 1;
}

static int parse_file(struct parser *p, FILE *f, struct hc_config *cfg)
{
	char line[LINE_MAX_LEN + 1];
	int r;

	for (p->line = 1;; p->line++) {
		r = read_line(f, line, sizeof(line));
		if (r == 0)
			return 0;
		if (r == -E2BIG)
			return perr(p, NULL, "line too long (more than %d bytes)",
				    LINE_MAX_LEN);
		if (r == -EILSEQ)
			return perr(p, NULL, "NUL byte in line");
		if (r < 0) {
			errno = -r;
			hc_set_err(p->err, p->errlen, "%s:%u: read error: %m",
				p->path, p->line);
			return r;
		}
		r = parse_line(p, cfg, line);
		if (r < 0)
			return r;
	}
}

/* ---- after the last line ---- */

static int default_copy(char **dst, const char *src)
{
	if (*dst || !src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static unsigned seen_line(const struct parser *p, const char *name)
{
	return p->seen[find_keyword(name) - hc_config_keywords];
}

/* The secret is checked now, so that a bad one is a config error naming
 * the file rather than a failure to reach any server later. */
static int finish_bindpw(struct parser *p, const struct hc_config *cfg)
{
	char why[512];

	if (!cfg->bindpw_file ||
	    hc_config_check_bindpw_file(cfg->bindpw_file, why, sizeof(why)) == 0)
		return 0;
	p->line = seen_line(p, "bindpw_file");
	return perr(p, "bindpw_file", "%s", why);
}

static int finish(struct parser *p, struct hc_config *cfg)
{
	int r;

	if (cfg->sasl_mech && cfg->binddn) {
		p->line = seen_line(p, "sasl_mech");
		return perr(p, "sasl_mech", "cannot be combined with binddn "
			    "(line %u)", seen_line(p, "binddn"));
	}
	r = finish_bindpw(p, cfg);
	if (r < 0)
		return r;
	if (default_copy(&cfg->user_base, cfg->base) < 0 ||
	    default_copy(&cfg->group_base, cfg->base) < 0 ||
	    default_copy(&cfg->path, p->path) < 0) {
		hc_set_err(p->err, p->errlen, "%s: out of memory", p->path);
		return -ENOMEM;
	}
	return 0;
}

/* ---- public ---- */

void hc_config_free(struct hc_config *cfg)
{
	size_t i, j;

	if (!cfg)
		return;
	for (i = 0; i < hc_config_n_keywords; i++) {
		const struct keyword *kw = &hc_config_keywords[i];
		char **slot;
		size_t n;

		if (!is_string_type(kw->type))
			continue;
		slot = field(cfg, kw);
		n = (kw->flags & KF_MULTI) ? *count_of(cfg, kw) : 1;
		for (j = 0; j < n; j++)
			free(slot[j]);
	}
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

/* Open path for reading and check that only a trusted user could have
 * written what it holds (config_trust.c). */
static int open_trusted(const char *path, FILE **out, char *err, size_t errlen)
{
	int fd, r;

	/* O_NONBLOCK: a FIFO must not block us before fstat refuses it */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot open: %m", path);
		return r;
	}
	r = hc_config_check_trust(fd, path, err, errlen);
	if (r == 0) {
		*out = fdopen(fd, "r");
		if (*out)
			return 0;
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot open: %m", path);
	}
	close(fd);
	return r;
}

int hc_config_load(const char *path, struct hc_config *cfg, char *err,
		   size_t errlen)
{
	struct parser p = {.err = err, .errlen = errlen};
	FILE *f = NULL;
	int r;

	hc_set_err(err, errlen, "%s", "");
	p.path = path ? path : HC_CONFIG_DEFAULT_PATH;
	r = hc_config_defaults(cfg);
	if (r < 0) {
		hc_set_err(err, errlen, "%s: out of memory", p.path);
		return r;
	}
	r = open_trusted(p.path, &f, err, errlen);
	if (r < 0)
		goto out;
	r = parse_file(&p, f, cfg);
	if (r == 0)
		r = finish(&p, cfg);
out:
	if (f)
		fclose(f);
	if (r < 0)
		hc_config_free(cfg);
	return r;
}
