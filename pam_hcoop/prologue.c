/* The prologue every hook shares: who is it, and are they ours? The answer
 * comes from the local cache and the local files only, never from a live
 * LDAP search. A name in the cache that a local account owns (root, a twin
 * of a local user, a reserved uid) is not ours, whatever the cache says:
 * this is the second wall behind hcoop-sync's own filter. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <security/pam_ext.h>

#include "hcpam.h"
#include "names.h"

#define USER_DATA_KEY "hcoop_pam_user"

bool hc_pam_debug(const struct hc_pam *p)
{
	return p->args.debug || (p->cfg_loaded && p->cfg.debug);
}

static void free_data(pam_handle_t *pamh, void *data, int err)
{
	(void)pamh;
	(void)err;
	free(data);
}

void hc_pam_admit_in(const struct hc_pam *p, struct hc_admit_in *in)
{
	memset(in, 0, sizeof(*in));
	in->cache = p->cache;
	in->user = p->cache ? &p->user : NULL;
	in->host = p->cfg_loaded ? p->cfg.host : NULL;
	in->admin_group = p->cfg_loaded ? p->cfg.admin_group : NULL;
	in->min_uid = p->cfg_loaded ? p->cfg.min_uid : 0; /* floor 1 still */
	in->now = (int64_t)time(NULL);
}

/* auth and account may be told different users if something rewrites
 * PAM_USER in between; the first hook that saw the user remembers it. */
static enum hc_pam_res check_same_user(struct hc_pam *p)
{
	const void *prev = NULL;
	char *copy;

	if (pam_get_data(p->pamh, USER_DATA_KEY, &prev) == PAM_SUCCESS &&
	    prev != NULL) {
		if (strcmp(prev, p->name) == 0)
			return HC_PAM_OK;
		pam_syslog(p->pamh, LOG_ERR,
			   "PAM_USER changed from %.32s to %.32s between hooks",
			   (const char *)prev, p->name);
		return HC_PAM_USER_CHANGED;
	}
	copy = strdup(p->name);
	if (copy == NULL)
		return HC_PAM_NO_MEMORY;
	if (pam_set_data(p->pamh, USER_DATA_KEY, copy, free_data) !=
	    PAM_SUCCESS) {
		free(copy);
		return HC_PAM_NO_MEMORY;
	}
	return HC_PAM_OK;
}

/* Is the cached record really an LDAP member, or does a local account own
 * the name? Logged every time: it means LDAP holds a colliding entry that
 * hcoop-sync let through (or a local account newer than the last sync). */
static enum hc_pam_res check_ours(struct hc_pam *p)
{
	struct hc_admit_in in;
	struct hc_admit_out out;

	hc_pam_admit_in(p, &in);
	if (hc_admit_is_ours(&in, &out))
		return HC_PAM_OK;
	pam_syslog(p->pamh, LOG_WARNING,
		   "%s: cache entry %.200s is not ours (%s): %s; "
		   "left to the local modules",
		   p->name, p->user.dn ? p->user.dn : "",
		   hc_admit_name(out.result), out.why);
	return hc_pam_res_admit(out.result);
}

static enum hc_pam_res lookup(struct hc_pam *p, const char *path)
{
	int r = hc_cache_open(path, &p->cache);

	if (r < 0) {
		pam_syslog(p->pamh, LOG_ERR, "cannot use cache %.200s: %s",
			   path, strerror(-r));
		return HC_PAM_CACHE_UNUSABLE;
	}
	r = hc_cache_user_byname(p->cache, p->name, &p->user);
	if (r == -ENOENT)
		return HC_PAM_NOT_OURS;
	if (r < 0) {
		pam_syslog(p->pamh, LOG_ERR, "cache %.200s: lookup: %s", path,
			   strerror(-r));
		return HC_PAM_CACHE_UNUSABLE;
	}
	return check_ours(p);
}

/* Without a readable config we still must not lock out root: look in the
 * default cache. A member found there is refused (service error); anyone
 * else (root among them, even if a hostile cache lists it) is left to the
 * other modules. */
static enum hc_pam_res config_failed(struct hc_pam *p, const char *err)
{
	enum hc_pam_res r;

	pam_syslog(p->pamh, LOG_ERR, "%s", err);
	r = lookup(p, HC_CACHE_DEFAULT_PATH);
	return r == HC_PAM_OK ? HC_PAM_FAULT : r;
}

enum hc_pam_res hc_pam_begin(struct hc_pam *p, pam_handle_t *pamh,
			     enum hc_hook hook, int flags, int argc,
			     const char **argv)
{
	char err[512];
	enum hc_pam_res res;
	int r;

	memset(p, 0, sizeof(*p));
	p->pamh = pamh;
	p->hook = hook;
	p->flags = flags;
	hc_pam_args_parse(pamh, argc, argv, &p->args);

	r = pam_get_user(pamh, &p->name, NULL);
	if (r != PAM_SUCCESS || p->name == NULL) {
		p->name = NULL;
		return HC_PAM_CONV;
	}
	if (!hc_valid_name(p->name)) {
		if (p->args.debug)
			pam_syslog(pamh, LOG_DEBUG,
				   "not a valid member name (%zu bytes)",
				   strlen(p->name));
		return HC_PAM_NOT_OURS;
	}
	r = hc_config_load(p->args.config, &p->cfg, err, sizeof(err));
	if (r < 0)
		return config_failed(p, err);
	p->cfg_loaded = true;

	res = lookup(p, p->cfg.cache);
	if (res == HC_PAM_NOT_OURS && hc_pam_debug(p))
		pam_syslog(pamh, LOG_DEBUG, "%s: not ours", p->name);
	if (res != HC_PAM_OK)
		return res;
	return check_same_user(p);
}

void hc_pam_end(struct hc_pam *p)
{
	hc_cache_close(p->cache);
	p->cache = NULL;
	if (p->cfg_loaded)
		hc_config_free(&p->cfg);
	p->cfg_loaded = false;
}
