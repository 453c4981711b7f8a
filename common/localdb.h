/* The host's own accounts, read straight from /etc/passwd, /etc/group and
 * /etc/shells, never through NSS: our own module, or another remote
 * source, must not be able to vouch for a name. hcoop-sync reads them
 * before every cache write (an LDAP entry never shadows a local one) and
 * pam_hcoop / hcoopctl explain before every decision (common/admission.c),
 * so a local account created after the last sync wins at once.
 *
 * As the files source of glibc: the first line for a name wins; a line
 * whose id does not parse still reserves its name; NIS-compat "+name" and
 * "-name" lines reserve the name after the sign (never an id); comments and
 * blank lines are skipped. */
#ifndef HCOOP_LOCALDB_H
#define HCOOP_LOCALDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "strmap.h"

#define HC_PASSWD_FILE "/etc/passwd"
#define HC_GROUP_FILE "/etc/group"
#define HC_SHELLS_FILE "/etc/shells"

struct hc_local_ent {
	char *name;
	uint32_t id;
	bool has_id;
};

struct hc_local_db {
	const char *path;
	struct hc_local_ent *v;
	size_t n, cap;
	struct hc_strmap names;       /* -> index in v; the first line wins */
	struct hc_local_ent **byid;   /* entries with an id, by (id, line) */
	size_t n_ids;
};

struct hc_local {
	struct hc_local_db users, groups;
	struct hc_strmap shells;
};

/* Which files; a NULL member (or a NULL struct) means the /etc one. */
struct hc_local_paths {
	const char *passwd, *group, *shells;
};

/* 0, or a negative errno with the file and the reason in err; l holds
 * nothing to free then. A missing shells file is no error: no shell is
 * listed (a host without it accepts no remote shell). */
int hc_local_load(struct hc_local *l, const struct hc_local_paths *paths,
		  char *err, size_t errlen);
const struct hc_local_ent *hc_local_byname(const struct hc_local_db *d,
					   const char *name);
const struct hc_local_ent *hc_local_byid(const struct hc_local_db *d,
					 uint32_t id);
bool hc_local_shell_ok(const struct hc_local *l, const char *shell);
void hc_local_free(struct hc_local *l);

/* What the three files look like (device, inode, size, mtime, ctime), to
 * notice a change without reading them. */
struct hc_local_sig {
	struct {
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtim, ctim;
		bool present;
	} f[3];
};
void hc_local_sign(const struct hc_local_paths *paths, struct hc_local_sig *s);

#endif
