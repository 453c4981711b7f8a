/* Shared between the files of the config parser (common/config*.c and
 * common/secret.c); not part of the public interface (config.h).
 *
 *   config_table.c  the keyword table (the one list of keywords), the
 *                   words of enumerated values, the defaults
 *   config.c        reading the file: lines, table walk, storing, freeing
 *   config_check.c  the value checkers (NULL when fine, else why not)
 *   config_dump.c   hc_config_dump
 *   config_trust.c  who may have written the config file
 *   secret.c        the bindpw_file checks and reader */
#ifndef HCOOP_CONFIG_INTERNAL_H
#define HCOOP_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

enum kw_type {
	KT_DN,      /* the rest of the line, must contain '=' */
	KT_PATH,    /* absolute, normalized (no "", "." or "..", no final '/') */
	KT_RELPATH, /* relative, no "", "." or ".." component */
	KT_URI,     /* ldap:// ldaps:// ldapi:// */
	KT_NAME,    /* hc_valid_name() */
	KT_HOST,    /* host name: letters digits '-' '.' */
	KT_ACL,     /* user:NAME:rwx or group:NAME:rwx */
	KT_CMD,     /* the rest of the line: an absolute path, then arguments */
	KT_SASL,    /* EXTERNAL */
	KT_BOOL,
	KT_UINT,    /* decimal in [min, max] */
	KT_MODE,    /* octal, at most 07777 */
	KT_SSL,
	KT_REQCERT,
};

#define KF_MULTI 0x1u   /* may repeat, up to max values */
#define KF_LIST 0x8u    /* KF_MULTI: several blank-separated values per line */
#define KF_NONE 0x2u    /* "none" sets NULL */
#define KF_NOTROOT 0x4u /* "/" itself is refused */

struct keyword {
	const char *name;
	enum kw_type type;
	unsigned flags;
	size_t off;        /* the field in struct hc_config */
	size_t count_off;  /* KF_MULTI: its element count */
	uint32_t min, max; /* KT_UINT: range; KF_MULTI: max = array size */
};

#define FIELD(f) offsetof(struct hc_config, f)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* the table (config_table.c); a parser keeps one line number per row */
#define HC_CONFIG_MAX_KEYWORDS 128
extern const struct keyword hc_config_keywords[];
extern const size_t hc_config_n_keywords;

struct enum_name {
	const char *name;
	int value;
};

/* the words of one enumerated value type (config_table.c) */
struct enum_words {
	const struct enum_name *tab;
	size_t n;
};

extern const struct enum_words hc_config_bool_words, hc_config_ssl_words,
	hc_config_reqcert_words;

/* the value of word s (case-insensitive): 0, or -EINVAL */
int hc_config_enum_lookup(const struct enum_words *w, const char *s, int *out);

/* the word the dump prints for v ("?" if none) */
const char *hc_config_enum_name(const struct enum_words *w, int v);

/* ---- field access ---- */

static inline void *field(struct hc_config *cfg, const struct keyword *kw)
{
	return (char *)cfg + kw->off;
}

static inline const void *cfield(const struct hc_config *cfg, const struct keyword *kw)
{
	return (const char *)cfg + kw->off;
}

static inline size_t *count_of(struct hc_config *cfg, const struct keyword *kw)
{
	return (size_t *)(void *)((char *)cfg + kw->count_off);
}

static inline size_t ccount_of(const struct hc_config *cfg, const struct keyword *kw)
{
	if (!(kw->flags & KF_MULTI))
		return 1;
	return *(const size_t *)(const void *)((const char *)cfg + kw->count_off);
}

static inline bool is_string_type(enum kw_type t)
{
	return t <= KT_SASL;
}

/* Why value v of a string-valued type is refused, or NULL (config_check.c). */
const char *hc_config_check_string(enum kw_type t, const char *v);

/* ACL entry v repeats the user or group of one of have[0..n): why, or NULL */
const char *hc_config_check_acl_unique(char *const *have, size_t n,
				       const char *v);

/* root, or the caller's euid (tests and tools run by a user) */
bool hc_config_trusted_uid(uid_t uid);

/* fd is path, just opened: 0 if it is a regular file that only a trusted
 * user can have written (owner, mode, every directory on the way to it
 * and to a symlink naming it); else -EPERM (or -errno) with err set to
 * "PATH: why". */
int hc_config_check_trust(int fd, const char *path, char *err, size_t errlen);

/* The checks of check_secret_stat on the name path (lstat): 0, or -EPERM
 * / -errno with err set to "PATH: why". A file the caller may not stat
 * (EACCES) passes: ownership and mode are judged by whoever can see them,
 * and the reader checks the opened file again. */
int hc_config_check_bindpw_file(const char *path, char *err, size_t errlen);

#endif
