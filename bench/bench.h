/* Shared pieces of the lookup benchmark (bench/lookup.c and friends).
 * Not part of the product: built only by `make bench-bins`. */
#ifndef HCOOP_BENCH_H
#define HCOOP_BENCH_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Keys file: one record per line, "U name uid gid" or "G name gid". */
struct bench_user {
	char *name;
	uid_t uid;
	gid_t gid;
};
struct bench_group {
	char *name;
	gid_t gid;
};
struct bench_keys {
	struct bench_user *users;
	char **neg; /* n_users valid names that exist nowhere ("nosuch...") */
	size_t n_users;
	struct bench_group *groups;
	size_t n_groups;
};

int bench_keys_load(const char *path, struct bench_keys *k);

/* Per-thread scratch: buffers grown on ERANGE. */
struct bench_scratch {
	char *buf;
	size_t len;
	gid_t *gids;
	long n_gids;
	unsigned long found, missing; /* lookups that did / did not answer */
};

int bench_scratch_init(struct bench_scratch *s);
void bench_scratch_free(struct bench_scratch *s);
int bench_scratch_grow(struct bench_scratch *s);

/* One operation: called with the i-th key (already reduced modulo the
 * relevant key count). Returns the number of entries it produced (1 for a
 * lookup, the count for an enumeration), 0 when not found. */
typedef long (*bench_op_fn)(struct bench_scratch *s,
			    const struct bench_keys *k, size_t i);

struct bench_op {
	const char *name;
	bench_op_fn fn;
	int keyset;  /* 'U' users, 'G' groups */
	int serial;  /* enumeration: one thread only (glibc shares the cursor) */
};

const struct bench_op *bench_glibc_op(const char *name);
/* Resolve _nss_<prefix>_* in the dlopen'ed module. */
int bench_direct_init(const char *lib, const char *prefix);
const struct bench_op *bench_direct_op(const char *name);
/* "memcpy" of BYTES (the copy-bound reference of a group lookup). */
const struct bench_op *bench_copy_op(size_t bytes);

/* Sorting and percentiles of per-call nanoseconds. */
void bench_sort(double *v, size_t n);
double bench_pct(const double *sorted, size_t n, double pct);

uint64_t bench_now_ns(void);

/* bench/ldapmod.c: the persist benchmarks' LDAP side and visibility check */
int bench_ldapmodify(const char *uri, const char *ldif);
int bench_gecos_is(const char *name, const char *gecos);
int bench_load_names(const char *path, char (*names)[64], int max);

#endif
