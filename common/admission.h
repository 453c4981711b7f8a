/* The one admission decision: may this cached member log in on this host,
 * and if not, why, in words the member can be shown. pam_hcoop's account
 * step and the admin tool's `hcoopctl explain` both call it, so it knows
 * nothing of PAM.
 *
 * Two layers:
 *   hc_admit_is_ours()  is the cached record really an LDAP member here,
 *                       or does a local account own the name or uid? A
 *                       name is ours only if the local files (/etc/passwd,
 *                       read directly, whatever nsswitch.conf says) define
 *                       neither its name nor its uid, the uid is above the
 *                       reserved range (hard floor 1, and min_uid), and
 *                       getpwnam_r() resolves the name to the cached uid.
 *                       Every PAM hook asks this before anything else.
 *   hc_admit_decide()   the full account decision: the above, then the
 *                       member's groups (no primary or supplementary group
 *                       that is local or reserved), lock, expiry, host,
 *                       admin group.
 * Both read the local files at every call (hc_admit_decide once for both
 * layers): an account created locally after the last sync wins at once. */
#ifndef HCOOP_ADMISSION_H
#define HCOOP_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"

enum hc_admit {
	HC_ADMIT_HERE = 0,      /* assigned to this host */
	HC_ADMIT_ADMIN,         /* member of admin_group: every host */
	HC_REFUSE_ELSEWHERE,    /* assigned to another host */
	HC_REFUSE_NO_HOST,      /* assigned to no host */
	HC_REFUSE_LOCKED,       /* pwdAccountLockedTime set */
	HC_REFUSE_EXPIRED,      /* shadowExpire reached */
	HC_REFUSE_LOCAL_GROUP,  /* a group of theirs is local or reserved */
	HC_NOT_OURS,            /* not a member name / not in the cache */
	HC_SHADOWED_BY_LOCAL,   /* a local account (or reserved uid) owns it */
	HC_CACHE_UNUSABLE,      /* cannot tell: no usable cache */
};


struct hc_admit_in {
	const struct hc_cache *cache; /* NULL: HC_CACHE_UNUSABLE */
	const struct hc_user *user;   /* NULL: HC_NOT_OURS */
	const char *host;             /* this host's assignment name */
	const char *admin_group;      /* NULL or "": none */
	uint32_t min_uid;
	int64_t now;                  /* unix time */
	const char *passwd_path;      /* NULL: HC_PASSWD_FILE (localdb.h) */
	const char *group_path;       /* NULL: HC_GROUP_FILE (localdb.h) */
	bool skip_nss;                /* tests of the pure logic only */
};

struct hc_admit_out {
	enum hc_admit result;
	char member_msg[256]; /* what the member is told; "" for none */
	char why[512];        /* one log line, for the admin */
};

/* true: ours. false: out->result is HC_SHADOWED_BY_LOCAL (or
 * HC_NOT_OURS / HC_CACHE_UNUSABLE for missing input), out->why says which
 * local entry or rule. Unreadable local files count as a collision: we
 * cannot prove the name is free. */
bool hc_admit_is_ours(const struct hc_admit_in *in, struct hc_admit_out *out);

/* The whole decision; returns out->result. Admitted means HC_ADMIT_HERE or
 * HC_ADMIT_ADMIN (hc_admit_ok). */
enum hc_admit hc_admit_decide(const struct hc_admit_in *in,
			      struct hc_admit_out *out);

static inline bool hc_admit_ok(enum hc_admit a)
{
	return a == HC_ADMIT_HERE || a == HC_ADMIT_ADMIN;
}

/* "ADMIT_HERE", "REFUSE_ELSEWHERE", ... (for logs and explain). */
const char *hc_admit_name(enum hc_admit a);

#endif
