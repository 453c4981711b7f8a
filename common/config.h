/* The one parser for /etc/hcoop.conf, shared by every program and module.
 *
 * Format: "keyword value" lines in the style of ldap.conf/nslcd.conf
 * (keywords case-insensitive, "uri" takes several blank-separated URIs),
 * '#' starts a comment line, blank lines ignored. Unknown keywords, missing
 * or trailing arguments and bad values are errors reported as
 * "FILE:LINE: KEYWORD: what is wrong". The parser never exits and never
 * logs: it returns an error and fills the caller's message buffer; main()
 * (or the PAM/NSS entry point) decides what to do. Every keyword is
 * documented in man/hcoop.conf.5. */
#ifndef HCOOP_CONFIG_H
#define HCOOP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cache.h" /* HC_CACHE_DEFAULT_PATH */

#define HC_CONFIG_DEFAULT_PATH "/etc/hcoop.conf"
#define HC_MKHOME_DEFAULT_PATH "/usr/sbin/hcoop-mkhome"
#define HC_HEARTBEAT_DEFAULT_PATH "/run/hcoop/hcoop-sync.state"

#define HC_MAX_URIS 8
#define HC_MAX_ACLS 16
#define HC_MAX_ZONE_NS 8
#define HC_ROUTES_DIR "/var/lib/hcoop/routes"
#define HC_POSTMAP_DEFAULT "/usr/sbin/postmap"

enum hc_ssl {
	HC_SSL_START_TLS = 0, /* ldap:// upgraded with StartTLS (default) */
	HC_SSL_ON,            /* ldaps:// */
	HC_SSL_OFF,           /* no TLS: only ldapi://, or with allow_cleartext */
};

enum hc_reqcert {
	HC_REQCERT_NEVER = 0,
	HC_REQCERT_ALLOW,
	HC_REQCERT_TRY,
	HC_REQCERT_DEMAND, /* default */
	HC_REQCERT_HARD,
};

struct hc_config {
	char *path; /* the file this was read from */

	/* LDAP */
	char *uri[HC_MAX_URIS]; /* tried in order */
	size_t n_uri;
	char *base;
	char *user_base;   /* default: base */
	char *group_base;  /* default: base */
	char *binddn;      /* NULL: anonymous (or sasl_mech) */
	char *bindpw_file; /* root-owned, not group/world-readable */
	char *sasl_mech;   /* only "EXTERNAL" is supported */
	enum hc_ssl ssl;
	char *tls_cacert;
	enum hc_reqcert tls_reqcert;
	bool allow_cleartext; /* send passwords without TLS (not ldapi) */
	unsigned timeout;     /* seconds for connect + StartTLS/TLS handshake
				 per server; default 3 */
	unsigned op_timeout;  /* seconds to wait for each answer once
				 connected (bind, page, passwd); default 10 */
	unsigned liveness;    /* hcoop-sync: seconds a followed server may stay
				 silent (probed meanwhile); 0: 3 x timeout */
	unsigned status_interval; /* hcoop-sync: seconds between status
				     writes to the host's entry; 0: never */
	char *metrics_dir;    /* Prometheus textfile dir; NULL: Debian's
				 node-exporter dir when it exists */
	char *heartbeat;      /* hcoop-sync state file; NULL means
				 HC_HEARTBEAT_DEFAULT_PATH */

	/* this host and its members */
	char *host;        /* assignment name; default gethostname() */
	char *admin_group; /* members log in on every host; NULL: none */
	uint32_t min_uid;  /* default 1000 */
	char *shell_fallback; /* for a loginShell not in /etc/shells;
				 default /usr/sbin/nologin */

	/* hcoop-sync */
	char *cache;               /* default HC_CACHE_DEFAULT_PATH */
	unsigned refresh_interval; /* seconds; default 600 */
	unsigned max_removal;      /* percent of users; default 10 */
	bool precreate_homes;      /* run hcoop-mkhome for new local members */
	char *restore_command;     /* fills a precreated home from the backup
				      (%u user, %h the home being built);
				      NULL: none. hcoop-mkhome --restore */

	/* homes (hcoop-mkhome, pam_hcoop session) */
	char *mkhome;    /* absolute path; default HC_MKHOME_DEFAULT_PATH */
	char *home_base; /* default /home */
	char *skel;      /* default /etc/skel; "none" -> NULL */
	uint32_t home_mode; /* default 0750 */
	char *home_acl[HC_MAX_ACLS]; /* "user:NAME:rwx" (also group:) */
	size_t n_home_acl;
	char *public_dir;   /* relative to the home; default public_html; "none" -> NULL */
	uint32_t public_mode; /* default 0755 */
	char *public_acl[HC_MAX_ACLS]; /* applied as access AND default ACL */
	size_t n_public_acl;
	bool maildir;       /* create Maildir/{cur,new,tmp} */
	bool home_required; /* pam session fails without a home */

	bool debug;

	/* hcoop-routes (the main server): see hcoop-routes(8) */
	char *mail_domain;   /* routed mail domain; NULL: no mail routes */
	char *transport_map; /* transport map source; postmap builds MAP.EXT */
	char *recipient_map; /* relay recipient map source */
	char *map_type;      /* lmdb (default), cdb, hash, btree */
	char *postmap;       /* command line; default HC_POSTMAP_DEFAULT */
	char *mail_reload;   /* command line; NULL: none */
	char *members_zone;  /* members' DNS zone; NULL: no zone */
	char *zone_file;
	char *zone_ns[HC_MAX_ZONE_NS]; /* NS records of the zone */
	size_t n_zone_ns;
	char *zone_contact;   /* SOA RNAME; default hostmaster.ZONE */
	uint32_t zone_ttl;    /* seconds; default 300 */
	char *dns_reload;     /* command line; NULL: none */
	uint32_t reload_timeout; /* seconds per postmap/reload; default 30 */

	/* hcoop-sync: entries the delta file may hold before a full write
	 * merges it (0: no delta, every change rewrites the cache); default
	 * 2000 */
	uint32_t delta_max;
};

/* Fill cfg with defaults, then read path (NULL: HC_CONFIG_DEFAULT_PATH).
 * The file must be one only root (or the caller's euid) can have written:
 * regular, not group/world-writable, in directories likewise (see
 * hcoop.conf(5)); a bindpw_file's owner and mode are checked too.
 * Returns 0, or a negative errno with err set to a one-line message:
 * -ENOENT/-EACCES (cannot open), -EPERM ("file: why it is not trusted"),
 * -EINVAL (syntax or value, "file:line: keyword: ..."). On error cfg holds
 * nothing that needs freeing. */
int hc_config_load(const char *path, struct hc_config *cfg, char *err,
		   size_t errlen);

/* Defaults only (what an empty file gives). */
int hc_config_defaults(struct hc_config *cfg);

void hc_config_free(struct hc_config *cfg);

/* Print the effective configuration as a valid config file (every
 * keyword, defaults included, the secret never printed). */
void hc_config_dump(const struct hc_config *cfg, FILE *out);

/* Read the secret named by bindpw_file into buf (NUL-terminated, trailing
 * newline stripped). Refuses (-EPERM, message says why) a file that is not
 * a regular file owned by root (or by the caller's euid, for tests run as a
 * user) or that is group/world-readable. -ENAMETOOLONG if it does not fit.
 * -ENOENT if no bindpw_file is configured. */
int hc_config_read_bindpw(const struct hc_config *cfg, char *buf, size_t len,
			  char *err, size_t errlen);

#endif
