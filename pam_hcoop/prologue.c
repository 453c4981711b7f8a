/* The prologue every hook shares: who is it, and are they ours? The answer
 * comes from the local cache only, never from a live LDAP search. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
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

/* auth and account may be told different users if something rewrites
 * PAM_USER in between; the first hook that saw the user remembers it. */
static int check_same_user(struct hc_pam *p)
{
	const void *prev = NULL;
	char *copy;

	if (pam_get_data(p->pamh, USER_DATA_KEY, &prev) == PAM_SUCCESS &&
	    prev != NULL) {
		if (strcmp(prev, p->name) == 0)
			return 0;
		pam_syslog(p->pamh, LOG_ERR,
			   "PAM_USER changed from %.32s to %.32s between hooks",
			   (const char *)prev, p->name);
		return -EXDEV;
	}
	copy = strdup(p->name);
	if (copy == NULL)
		return -ENOMEM;
	if (pam_set_data(p->pamh, USER_DATA_KEY, copy, free_data) !=
	    PAM_SUCCESS) {
		free(copy);
		return -ENOMEM;
	}
	return 0;
}

/* -ENOENT: not in a valid cache. -ENODATA: the cache is unusable. */
static int lookup(struct hc_pam *p, const char *path)
{
	int r = hc_cache_open(path, &p->cache);

	if (r < 0) {
		pam_syslog(p->pamh, LOG_ERR, "cannot use cache %.200s: %s",
			   path, strerror(-r));
		return -ENODATA;
	}
	r = hc_cache_user_byname(p->cache, p->name, &p->user);
	if (r == -ENOENT)
		return -ENOENT;
	if (r < 0) {
		pam_syslog(p->pamh, LOG_ERR, "cache %.200s: lookup: %s", path,
			   strerror(-r));
		return -ENODATA;
	}
	return 0;
}

/* Without a readable config we still must not lock out root: look in the
 * default cache. A member found there is refused (service error); anyone
 * else is left to the other modules. */
static int config_failed(struct hc_pam *p, const char *err)
{
	int r;

	pam_syslog(p->pamh, LOG_ERR, "%s", err);
	r = lookup(p, HC_CACHE_DEFAULT_PATH);
	return r == 0 ? -EINVAL : r;
}

int hc_pam_begin(struct hc_pam *p, pam_handle_t *pamh, enum hc_hook hook,
		 int flags, int argc, const char **argv)
{
	char err[512];
	int r;

	memset(p, 0, sizeof(*p));
	p->pamh = pamh;
	p->hook = hook;
	p->flags = flags;
	hc_pam_args_parse(pamh, argc, argv, &p->args);

	r = pam_get_user(pamh, &p->name, NULL);
	if (r != PAM_SUCCESS || p->name == NULL) {
		p->name = NULL;
		return -ECANCELED;
	}
	if (!hc_valid_name(p->name)) {
		if (p->args.debug)
			pam_syslog(pamh, LOG_DEBUG,
				   "not a valid member name (%zu bytes)",
				   strlen(p->name));
		return -ENOENT;
	}
	r = hc_config_load(p->args.config, &p->cfg, err, sizeof(err));
	if (r < 0)
		return config_failed(p, err);
	p->cfg_loaded = true;

	r = lookup(p, p->cfg.cache);
	if (r == -ENOENT && hc_pam_debug(p))
		pam_syslog(pamh, LOG_DEBUG, "%s: not in the cache", p->name);
	if (r < 0)
		return r;
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
