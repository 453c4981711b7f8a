/* The keyword table of /etc/hcoop.conf: the one list of keywords, with
 * each one's value type, the field it fills and its limits (parsing,
 * checking, freeing and dumping all walk it), the words of enumerated
 * values, and the defaults. A keyword is added here (a row and its
 * default), in config.h (the field) and in man/hcoop.conf.5. */
#include "config_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const struct keyword hc_config_keywords[] = {
	{"uri", KT_URI, KF_MULTI | KF_LIST, FIELD(uri), FIELD(n_uri), 0,
	 HC_MAX_URIS},
	{"base", KT_DN, 0, FIELD(base), 0, 0, 0},
	{"user_base", KT_DN, 0, FIELD(user_base), 0, 0, 0},
	{"group_base", KT_DN, 0, FIELD(group_base), 0, 0, 0},
	{"binddn", KT_DN, 0, FIELD(binddn), 0, 0, 0},
	{"bindpw_file", KT_PATH, 0, FIELD(bindpw_file), 0, 0, 0},
	{"sasl_mech", KT_SASL, 0, FIELD(sasl_mech), 0, 0, 0},
	{"ssl", KT_SSL, 0, FIELD(ssl), 0, 0, 0},
	{"tls_cacert", KT_PATH, 0, FIELD(tls_cacert), 0, 0, 0},
	{"tls_reqcert", KT_REQCERT, 0, FIELD(tls_reqcert), 0, 0, 0},
	{"allow_cleartext", KT_BOOL, 0, FIELD(allow_cleartext), 0, 0, 0},
	{"timeout", KT_UINT, 0, FIELD(timeout), 0, 1, 300},
	{"op_timeout", KT_UINT, 0, FIELD(op_timeout), 0, 1, 3600},
	{"liveness", KT_UINT, 0, FIELD(liveness), 0, 0, 3600},
	{"heartbeat", KT_PATH, KF_NOTROOT, FIELD(heartbeat), 0, 0, 0},
	{"status_interval", KT_UINT, 0, FIELD(status_interval), 0, 0, 86400},
	{"metrics_dir", KT_PATH, KF_NONE | KF_NOTROOT, FIELD(metrics_dir), 0, 0, 0},
	{"host", KT_HOST, 0, FIELD(host), 0, 0, 0},
	{"admin_group", KT_NAME, 0, FIELD(admin_group), 0, 0, 0},
	{"min_uid", KT_UINT, 0, FIELD(min_uid), 0, 0, UINT32_MAX - 1},
	{"shell_fallback", KT_PATH, 0, FIELD(shell_fallback), 0, 0, 0},
	{"cache", KT_PATH, KF_NOTROOT, FIELD(cache), 0, 0, 0},
	{"refresh_interval", KT_UINT, 0, FIELD(refresh_interval), 0, 1, 604800},
	{"max_removal", KT_UINT, 0, FIELD(max_removal), 0, 0, 100},
	{"precreate_homes", KT_BOOL, 0, FIELD(precreate_homes), 0, 0, 0},
	{"restore_command", KT_CMD, KF_NONE, FIELD(restore_command), 0, 0, 0},
	{"mkhome", KT_PATH, KF_NOTROOT, FIELD(mkhome), 0, 0, 0},
	{"home_base", KT_PATH, KF_NOTROOT, FIELD(home_base), 0, 0, 0},
	{"skel", KT_PATH, KF_NONE, FIELD(skel), 0, 0, 0},
	{"home_mode", KT_MODE, 0, FIELD(home_mode), 0, 0, 0},
	{"home_acl", KT_ACL, KF_MULTI, FIELD(home_acl), FIELD(n_home_acl), 0,
	 HC_MAX_ACLS},
	{"public_dir", KT_RELPATH, KF_NONE, FIELD(public_dir), 0, 0, 0},
	{"public_mode", KT_MODE, 0, FIELD(public_mode), 0, 0, 0},
	{"public_acl", KT_ACL, KF_MULTI, FIELD(public_acl), FIELD(n_public_acl),
	 0, HC_MAX_ACLS},
	{"maildir", KT_BOOL, 0, FIELD(maildir), 0, 0, 0},
	{"home_required", KT_BOOL, 0, FIELD(home_required), 0, 0, 0},
	{"debug", KT_BOOL, 0, FIELD(debug), 0, 0, 0},
	{"mail_domain", KT_HOST, KF_NONE, FIELD(mail_domain), 0, 0, 0},
	{"transport_map", KT_PATH, KF_NOTROOT, FIELD(transport_map), 0, 0, 0},
	{"recipient_map", KT_PATH, KF_NOTROOT, FIELD(recipient_map), 0, 0, 0},
	{"map_type", KT_NAME, 0, FIELD(map_type), 0, 0, 0},
	{"postmap", KT_CMD, 0, FIELD(postmap), 0, 0, 0},
	{"mail_reload", KT_CMD, KF_NONE, FIELD(mail_reload), 0, 0, 0},
	{"members_zone", KT_HOST, KF_NONE, FIELD(members_zone), 0, 0, 0},
	{"zone_file", KT_PATH, KF_NOTROOT, FIELD(zone_file), 0, 0, 0},
	{"zone_ns", KT_HOST, KF_MULTI, FIELD(zone_ns), FIELD(n_zone_ns), 0,
	 HC_MAX_ZONE_NS},
	{"zone_contact", KT_HOST, 0, FIELD(zone_contact), 0, 0, 0},
	{"zone_ttl", KT_UINT, 0, FIELD(zone_ttl), 0, 1, 604800},
	{"dns_reload", KT_CMD, KF_NONE, FIELD(dns_reload), 0, 0, 0},
	{"reload_timeout", KT_UINT, 0, FIELD(reload_timeout), 0, 1, 3600},
	{"delta_max", KT_UINT, 0, FIELD(delta_max), 0, 0, 1000000},
};

const size_t hc_config_n_keywords = N_OF(hc_config_keywords);

_Static_assert(N_OF(hc_config_keywords) <= HC_CONFIG_MAX_KEYWORDS,
	       "raise HC_CONFIG_MAX_KEYWORDS");

/* the first name of each value is the one hc_config_dump prints */
static const struct enum_name bool_names[] = {
	{"yes", 1}, {"no", 0}, {"on", 1}, {"off", 0}, {"true", 1}, {"false", 0},
};
static const struct enum_name ssl_names[] = {
	{"start_tls", HC_SSL_START_TLS}, {"on", HC_SSL_ON}, {"off", HC_SSL_OFF},
};
static const struct enum_name reqcert_names[] = {
	{"never", HC_REQCERT_NEVER},   {"allow", HC_REQCERT_ALLOW},
	{"try", HC_REQCERT_TRY},       {"demand", HC_REQCERT_DEMAND},
	{"hard", HC_REQCERT_HARD},
};

const struct enum_words hc_config_bool_words = {bool_names, N_OF(bool_names)};
const struct enum_words hc_config_ssl_words = {ssl_names, N_OF(ssl_names)};
const struct enum_words hc_config_reqcert_words = {reqcert_names,
						  N_OF(reqcert_names)};

int hc_config_enum_lookup(const struct enum_words *w, const char *s, int *out)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (strcasecmp(w->tab[i].name, s) == 0) {
			*out = w->tab[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

const char *hc_config_enum_name(const struct enum_words *w, int v)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->tab[i].value == v)
			return w->tab[i].name;
	return "?";
}

static char *default_host(void)
{
	char buf[HOST_NAME_MAX + 1];

	/* the kernel's name, no DNS: a lookup may hang, and NSS calls this */
	if (gethostname(buf, sizeof(buf)) < 0 || buf[0] == '\0')
		return strdup("localhost");
	buf[sizeof(buf) - 1] = '\0';
	return strdup(buf);
}

int hc_config_defaults(struct hc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ssl = HC_SSL_START_TLS;
	cfg->tls_reqcert = HC_REQCERT_DEMAND;
	cfg->timeout = 3;
	cfg->op_timeout = 10;
	cfg->status_interval = 60;
	cfg->heartbeat = strdup(HC_HEARTBEAT_DEFAULT_PATH); /* NULL: default */
	cfg->min_uid = 1000;
	cfg->shell_fallback = strdup("/usr/sbin/nologin");
	cfg->refresh_interval = 600;
	cfg->max_removal = 10;
	cfg->home_mode = 0750;
	cfg->public_mode = 0755;
	cfg->host = default_host();
	cfg->cache = strdup(HC_CACHE_DEFAULT_PATH);
	cfg->mkhome = strdup(HC_MKHOME_DEFAULT_PATH);
	cfg->home_base = strdup("/home");
	cfg->skel = strdup("/etc/skel");
	cfg->public_dir = strdup("public_html");
	cfg->zone_ttl = 300;
	cfg->reload_timeout = 30;
	cfg->transport_map = strdup(HC_ROUTES_DIR "/transport");
	cfg->recipient_map = strdup(HC_ROUTES_DIR "/recipients");
	cfg->map_type = strdup("lmdb");
	cfg->postmap = strdup(HC_POSTMAP_DEFAULT);
	cfg->zone_file = strdup(HC_ROUTES_DIR "/members.zone");
	cfg->delta_max = 2000;
	if (!cfg->host || !cfg->cache || !cfg->mkhome || !cfg->home_base ||
	    !cfg->skel || !cfg->public_dir || !cfg->shell_fallback ||
	    !cfg->transport_map || !cfg->recipient_map || !cfg->map_type ||
	    !cfg->postmap || !cfg->zone_file) {
		hc_config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}
