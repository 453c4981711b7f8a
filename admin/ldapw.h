/* hcoopctl's write side: every change to the directory is one struct
 * ctl_change (an add, modify or delete of one entry, optionally guarded by
 * an RFC 4528 assertion and/or reading an attribute back with the RFC 4527
 * post-read control), applied by ctl_change_apply, which with --dry-run
 * prints the exact change as LDIF (controls included, as ldapmodify reads
 * them) instead. Write commands keep the LDAP result code: the admin must
 * be told "already exists" from "someone moved her meanwhile". */
#ifndef HCOOPCTL_LDAPW_H
#define HCOOPCTL_LDAPW_H

#include <ldap.h>
#include <stddef.h>
#include <stdint.h>

#include "hcoopctl.h"

#define CTL_MAX_MODS 24
#define CTL_MAX_VALS 8

/* A fixed-size LDAPMod list; values are the caller's strings and must
 * outlive the change. */
struct ctl_mods {
	LDAPMod m[CTL_MAX_MODS];
	LDAPMod *p[CTL_MAX_MODS + 1];
	char *v[CTL_MAX_MODS][CTL_MAX_VALS + 1];
	size_t n;
};

enum ctl_op { CTL_OP_ADD, CTL_OP_MODIFY, CTL_OP_DELETE };

struct ctl_change {
	enum ctl_op op;
	const char *dn;
	struct ctl_mods *mods;     /* add, modify */
	const char *assert_filter; /* RFC 4528 assertion, or NULL */
	const char *postread;      /* modify: attribute read back, or NULL */
	char postread_val[64];     /* out: its (first) value after the change */
	char diag[512];            /* out: the server's reason on failure */
};

/* Append value to the modification (op, type): a new LDAPMod unless the
 * last one has the same op and type. value NULL: no value (delete all).
 * Returns 0 or -E2BIG. */
int ctl_mod(struct ctl_mods *m, int op, const char *type, const char *value);

/* True when the command may change the directory: an admin identity was
 * given (-D or -Y EXTERNAL); otherwise prints why not. */
bool ctl_require_admin(const struct ctl *ctl);

/* Apply ch (or print it as LDIF with ctl->dry_run and return LDAP_SUCCESS).
 * Returns an LDAP result code; ch->diag says more on failure. */
int ctl_change_apply(struct ctl *ctl, struct hc_ldap *c,
		     struct ctl_change *ch);

/* "dn ... : reason" for a failed change, on stderr. */
void ctl_change_err(const struct ctl_change *ch, int rc);

/* Search helpers for the write commands: the first value of attr in the
 * first entry matching filter (escaped by the caller) under base, into
 * buf. 1 found, 0 no entry, negative error (printed). dn (optional, size
 * dnlen) receives the entry's DN. */
int ctl_find_one(struct ctl *ctl, struct hc_ldap *c, const char *base,
		 const char *filter, const char *attr, char *buf, size_t len,
		 char *dn, size_t dnlen);

/* The bases new entries go under: user_base or "ou=People,BASE",
 * group_base or "ou=Groups,BASE", hosts "ou=Hosts,BASE". */
void ctl_user_parent(const struct ctl *ctl, char *buf, size_t len);
void ctl_group_parent(const struct ctl *ctl, char *buf, size_t len);

/* A member's DN (uid=NAME,PARENT) and private group's DN. -ENAMETOOLONG. */
int ctl_member_dn(const struct ctl *ctl, const char *name, char *buf,
		  size_t len);
int ctl_group_dn(const struct ctl *ctl, const char *name, char *buf,
		 size_t len);

/* counter.c: the next uidNumber (= private gidNumber), never reused: see
 * counter.c. With --dry-run nothing is changed and *out is the number a
 * real run would most likely get. 0, or -1 (printed). */
int ctl_counter_next(struct ctl *ctl, struct hc_ldap *c, uint32_t *out);
/* Raise the counter to at least n (an explicit --uid). 0 or -1. */
int ctl_counter_raise(struct ctl *ctl, struct hc_ldap *c, uint32_t n);
/* The counter's current value, 0 when there is none; negative on error. */
int64_t ctl_counter_peek(struct ctl *ctl, struct hc_ldap *c);
/* The counter's DN: cn=idcounter,BASE. */
void ctl_counter_dn(const struct ctl *ctl, char *buf, size_t len);

/* member_host.c: the host entry named host; role into role (may be
 * "member" by default). 1 found, 0 not, negative error (printed). */
int ctl_host_role(struct ctl *ctl, struct hc_ldap *c, const char *host,
		  char *role, size_t len);
/* Set a host's role (hcoopRole) with --dry-run support. LDAP rc. */
int ctl_host_set_role(struct ctl *ctl, struct hc_ldap *c, const char *host,
		      const char *role);
/* --host auto: the member-role host with the most headroom. 0 or -1. */
int ctl_host_pick(struct ctl *ctl, struct hc_ldap *c, char *out, size_t len);

/* member_move.c: move one member, guarded by an assertion on the old
 * host. LDAP rc (LDAP_ASSERTION_FAILED: not on from any more). */
int ctl_member_set_host(struct ctl *ctl, struct hc_ldap *c, const char *dn,
			const char *from, const char *to, char *diag,
			size_t dlen);

/* reserved_names.c (generated from admin/reserved-names.txt): names no
 * member may have; NULL-terminated. */
extern const char *const ctl_reserved_names[];

/* member.c: the member's entry found by name: 1 (dn set, host the value
 * of hcoopHost or ""), 0 no such member (printed), negative error. */
int ctl_member_find(struct ctl *ctl, struct hc_ldap *c, const char *name,
		    char *dn, size_t dnlen, char *host, size_t hostlen);
/* Connect for a write command: checks the admin identity first. */
int ctl_write_connect(struct ctl *ctl, struct hc_ldap **c);

/* homes_restores.c: hcoopctl homes restores (exit 4 if any failed) */
int ctl_homes_restores(struct ctl *ctl);

/* the member subcommands */
int ctl_member_add(struct ctl *ctl, int argc, char **argv);
int ctl_member_move(struct ctl *ctl, int argc, char **argv);
int ctl_member_lock(struct ctl *ctl, int argc, char **argv);
int ctl_member_delete(struct ctl *ctl, int argc, char **argv);

#endif
