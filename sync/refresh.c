/* Full refresh: paged searches (RFC 2696) of every posixAccount under
 * user_base and every posixGroup under group_base into a new model, the
 * daemon's fallback when the server has no sync provider; and --once,
 * which streams the same searches into the cache builder (stream.c). */
#include <errno.h>
#include <stdio.h>

#include "ldap_conn.h"
#include "log.h"
#include "sync.h"

struct refresh_ctx {
	const struct hc_config *cfg;
	struct hs_model *model;
	enum hs_kind kind;
	size_t skipped;
};

static int refresh_entry(LDAP *ld, LDAPMessage *msg, void *arg)
{
	struct refresh_ctx *rc = arg;
	struct hs_entry *e = NULL;
	int r = hs_entry_parse(rc->cfg, ld, msg, rc->kind, NULL, &e);

	if (r == -EINVAL) {
		rc->skipped++;
		return 0;
	}
	if (r < 0)
		return r;
	if (e->why)
		rc->skipped++;
	return hs_model_put(rc->model, e);
}

static int search_one(struct refresh_ctx *rc, struct hc_ldap *c,
		      const char *base, const char *filter, char **attrs,
		      char *err, size_t errlen)
{
	int r = hc_ldap_search_paged(c, base, LDAP_SCOPE_SUBTREE, filter,
				     attrs, 0, refresh_entry, rc, err, errlen);

	if (r > 0) /* a callback's own (positive) value: never ours */
		r = -EPROTO;
	if (r == -ENOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	return r;
}

int hs_refresh(const struct hc_config *cfg, struct hc_ldap *c,
	       struct hs_model *out, char *err, size_t errlen)
{
	struct refresh_ctx rc = { .cfg = cfg, .model = out };
	const char *ub = cfg->user_base ? cfg->user_base : cfg->base;
	const char *gb = cfg->group_base ? cfg->group_base : cfg->base;
	int r;

	err[0] = '\0';
	rc.kind = HS_USER;
	r = search_one(&rc, c, ub, "(objectClass=posixAccount)",
		       hs_user_attrs, err, errlen);
	if (r < 0)
		return r;
	rc.kind = HS_GROUP;
	r = search_one(&rc, c, gb, "(objectClass=posixGroup)",
		       hs_group_attrs, err, errlen);
	if (r < 0)
		return r;
	hc_debug("refresh from %s: %zu entries, %zu skipped", hc_ldap_uri(c),
		 out->n, rc.skipped);
	return 0;
}

/* --once streams the refresh into the cache builder (stream.c): no
 * model, so its peak memory is about the builder's. */
int hs_once(const struct hc_config *cfg, bool force)
{
	struct hc_ldap *c = NULL;
	char err[512];
	int r;

	r = hc_ldap_connect(cfg, HC_BIND_CONFIG, NULL, NULL, &c, err,
			    sizeof(err));
	if (r < 0) {
		hc_err("cannot connect: %s", err);
		return HS_EXIT_LDAP;
	}
	r = hs_stream_once(cfg, c, force ? 0 : HS_WRITE_GUARDED, err,
			   sizeof(err));
	if (r == -ENOTCONN)
		hc_err("refresh from %s failed: %s", hc_ldap_uri(c), err);
	else if (r < 0 && err[0])
		hc_err("%s; the cache is not written", err);
	hc_ldap_close(c);
	return r == 0 ? HS_EXIT_OK : r == -ENOTCONN ? HS_EXIT_LDAP
		: r == -EPERM ? HS_EXIT_GUARD : HS_EXIT_CACHE;
}
