/* hcoop-routes: the main server's mail and DNS routes, rendered from the
 * account cache (never LDAP) whenever its generation changes. See
 * hcoop-routes(8).
 *
 * Errors are 0 or a negative errno, as in common/; each failure is logged
 * once where it happens, with the file or entry it concerns. */
#ifndef HCOOP_ROUTES_H
#define HCOOP_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* ---- a growable text buffer (buf.c) ---- */
struct rt_buf {
	char *data;
	size_t len, cap;
	bool failed; /* an append ran out of memory: the text is unusable */
};

void rt_buf_printf(struct rt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rt_buf_free(struct rt_buf *b);

/* ---- DNS name rules (dnsname.c) ---- */
/* One label as we write member names: 1..63 of [a-z0-9-], no '-' first or
 * last. Lower case only: a name differing from another in case alone
 * would be the same DNS name. */
bool rt_valid_label(const char *s);
/* A host name (RFC 1123): labels of [A-Za-z0-9-] as above (any case),
 * dots between, at most 253 bytes, one trailing dot allowed. */
bool rt_valid_hostname(const char *s);
/* s lower-cased without its trailing dot into out; -ENAMETOOLONG. */
int rt_host_canon(const char *s, char *out, size_t len);

/* ---- the routes read from the cache (table.c) ---- */
#define RT_HOST_MAX 254

struct rt_route {
	char *name;             /* member name, a valid label */
	char host[RT_HOST_MAX]; /* canonical host name */
};

struct rt_table {
	struct rt_route *v;
	size_t n;
	size_t skipped; /* members with an invalid name or host */
	size_t unrouted; /* members with no host */
	uint64_t generation;
};

/* Read every member with a valid name and host from the cache at path,
 * sorted by name. Invalid ones are logged and skipped. */
int rt_table_load(const char *path, struct rt_table *t);
void rt_table_free(struct rt_table *t);

/* ---- files (file.c) ---- */
/* Replace path atomically (temporary file beside it, fsync, rename, fsync
 * of the directory), mode 0644. */
int rt_write_atomic(const char *path, const char *data, size_t len);
/* Write path directly (O_TRUNC), fsynced, mode 0644. */
int rt_write_plain(const char *path, const char *data, size_t len);
/* 1 if path holds exactly data, 0 if not (or missing), negative errno. */
int rt_same_content(const char *path, const char *data, size_t len);
/* Read at most len-1 bytes of the file's start into buf. */
int rt_read_head(const char *path, char *buf, size_t len);

/* ---- commands (command.c) ---- */
/* Run the command line line (absolute path, blank-separated arguments, no
 * shell), with extra appended as the last argument when not NULL, through
 * hc_spawn_run: empty environment, bounded by timeout_s. 0 when it exited
 * with status 0; otherwise logged (what names the purpose) and -EIO. */
int rt_run(const char *what, const char *line, const char *extra,
	   unsigned timeout_s);

/* ---- outputs ---- */
struct rt_opts {
	bool force; /* rewrite and reload even when nothing changed */
};

/* mail.c: the transport and relay recipient maps; *pending is set when
 * a postmap or the reload failed (retried at the next change), cleared on
 * success. */
int rt_mail_update(const struct hc_config *cfg, const struct rt_table *t,
		   bool force, bool *pending);
/* The postmap file suffix of map_type, or NULL if it is not supported. */
const char *rt_map_suffix(const char *type);

/* zone.c: the members' zone, SOA serial bumped on every change. */
int rt_zone_update(const struct hc_config *cfg, const struct rt_table *t,
		   bool force, bool *pending);

/* ---- one pass and the daemon (render.c, watch.c) ---- */
struct rt_state {
	const struct hc_config *cfg;
	uint64_t generation; /* of the last pass that read the cache */
	bool have_generation;
	bool mail_pending, dns_pending;
};

/* Check the configuration for hcoop-routes; message in err. */
int rt_check_config(const struct hc_config *cfg, char *err, size_t errlen);
/* Read the cache and update what changed (everything if force, or when the
 * generation differs from the last pass). */
int rt_render(struct rt_state *st, bool force);
/* Render, then follow the cache with inotify until SIGTERM/SIGINT; SIGHUP
 * forces a pass. */
int rt_watch(struct rt_state *st);

#endif
