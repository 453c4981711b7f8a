/* hcoopctl, the admins' tool: one table of commands (main.c), the
 * ldap-utils style identity and output options shared by all (cli.c), one
 * file per command. Read-side commands: status, explain, hosts, check;
 * commands that change the directory (member add/move/lock, failover)
 * slot into the same table with .writes set, so they demand an admin
 * identity and support --dry-run. */
#ifndef HCOOPCTL_H
#define HCOOPCTL_H

#include <json-c/json.h>
#include <stdbool.h>

#include "config.h"

/* exit codes, documented in hcoopctl(8); `check` uses the Monitoring
 * Plugins codes instead (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) */
enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_USAGE = 1,   /* usage or configuration error */
	CTL_EXIT_LDAP = 2,    /* LDAP unreachable or refused */
	CTL_EXIT_NOTFOUND = 3,/* no such user / host */
	CTL_EXIT_REFUSED = 4, /* explain: the verdict is "refused" */
	CTL_EXIT_CACHE = 5,   /* this host's cache is unusable */
	CTL_EXIT_COPY = 6,    /* member move --copy-from-here: rsync failed */
};

struct hc_ldap;

struct ctl {
	struct hc_config cfg;
	const char *config_path; /* -c */
	const char *uri;         /* -H: replaces the config's uris */
	const char *binddn;      /* -D */
	const char *pwfile;      /* -y */
	bool ask_pw;             /* -W */
	bool sasl_external;      /* -Y EXTERNAL */
	bool json;               /* --json */
	bool dry_run;            /* write commands: print LDIF, change nothing */
	json_object *out;        /* the command's facts; text or JSON */
};

struct ctl_cmd {
	const char *name;
	const char *usage;   /* arguments, for --help */
	const char *summary;
	int (*run)(struct ctl *ctl, int argc, char **argv);
};

/* cli.c: connect with the identity the options give (-D/-W/-y, -Y
 * EXTERNAL), or else the host account of the config. */
int ctl_connect(struct ctl *ctl, struct hc_ldap **out);
/* Print a one-line error "hcoopctl: ..." on stderr. */
void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print ctl->out: as JSON with --json, else with the command's printer. */
void ctl_print_json(const struct ctl *ctl);

/* the commands */
int ctl_cmd_status(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_hosts(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_check(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_explain(struct ctl *ctl, int argc, char **argv);

/* part 2: the commands that change the directory (see ldapw.c) */
int ctl_cmd_member(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_failover(struct ctl *ctl, int argc, char **argv);
int ctl_cmd_homes(struct ctl *ctl, int argc, char **argv);

/* hosts.c: every host entry (role, capacity, published status, members
 * assigned counted from LDAP, "stale" when its status is older than
 * stale_s) appended to the array hosts. 0, or a negative error (err set). */
int ctl_hosts_load(struct ctl *ctl, struct hc_ldap *c, json_object *hosts,
		   int64_t stale_s, char *err, size_t errlen);

/* homes_restores.c: this host's restore_command states as
 * restores_pending/_running/_done/_failed/_skipped in ctl->out (for
 * `hcoopctl status`; `hcoopctl homes restores` lists them). */
void ctl_restores_add(struct ctl *ctl);

/* hosts.c: GeneralizedTime "YYYYMMDDHHMMSS..." (also how a contextCSN
 * starts) to unix time; 0 if unparsable or NULL. */
int64_t ctl_gentime(const char *s);

/* jsonutil.c: small helpers over json-c */
void ctl_jset_str(json_object *o, const char *k, const char *v);
void ctl_jset_int(json_object *o, const char *k, int64_t v);
void ctl_jset_bool(json_object *o, const char *k, bool v);
void ctl_jset_double(json_object *o, const char *k, double v);
const char *ctl_jget_str(json_object *o, const char *k);
int64_t ctl_jget_int(json_object *o, const char *k);

#endif
