/* hcoop-mkhome internals: the pieces main.c strings together.
 *
 * The program runs as root on behalf of a login (pam_hcoop's session step)
 * or of hcoop-sync (precreate_homes). It trusts no caller: every decision
 * comes from the config file and the account cache, every file operation is
 * relative to a directory descriptor opened without following symlinks.
 *
 * Convention: functions returning "enum mk_exit" make a decision and have
 * already logged the reason; functions returning int give 0 or a negative
 * errno and leave the logging to their caller. */
#ifndef HCOOP_MKHOME_H
#define HCOOP_MKHOME_H

#include <stdbool.h>
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/acl.h>
#include <sys/types.h>

#include "config.h"
#include "names.h"

/* Exit codes, documented in man/hcoop-mkhome.8. */
enum mk_exit {
	MK_OK = 0,         /* created, or already there and the user's */
	MK_USAGE = 1,      /* bad arguments or configuration */
	MK_NOT_ROOT = 2,   /* real and effective uid must both be 0 */
	MK_NOT_MEMBER = 3, /* invalid name or not in the cache */
	MK_LOW_UID = 4,    /* uid below min_uid */
	MK_OTHER_HOST = 5, /* not assigned to this host */
	MK_UNSAFE = 6,     /* home path or parent fails the safety checks */
	MK_FOREIGN = 7,    /* home exists, owned by another uid */
	MK_IO = 8,         /* I/O, cache or ACL failure */
	MK_DRIFT = 9,      /* --check found differences */
};

#define MK_TMP_PREFIX ".hcoop-mkhome."
/* how every directory is opened: never through a symlink */
#define MK_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define MK_MAX_DEPTH 32 /* skeleton nesting; deeper is refused */

/* The member, as the cache describes them. */
struct mk_user {
	char name[HC_NAME_MAX + 1];
	uid_t uid;
	gid_t gid;
	char home[4096];  /* from the cache, checked by mk_check_path */
	const char *leaf; /* points into home: the last component */
};

/* What the two top-level directories must look like. */
struct mk_template {
	mode_t home_mode;   /* full expected mode (group bits = ACL mask) */
	mode_t public_mode;
	acl_t home_acl;     /* access ACL of the home */
	acl_t public_acl;   /* access ACL of the public folder */
	acl_t public_def;   /* its default ACL; NULL: none expected */
};

/* The files form a line, each using only those above it:
 *   fdutil.c    descriptors: no-follow walks, DIR streams, lock, removal
 *   acl.c       the template (modes, ACLs) from the config; ACL primitives
 *   apply.c     owner/mode/ACLs of the home and public folder
 *   preflight.c root, the member from the cache, path and parent checks
 *   build.c     the home under a temporary name (skeleton, Maildir)
 *   install.c   the rename into place; sweeping crashed runs' temporaries
 *   repair.c    --check / --repair of an existing home
 *   main.c      arguments and the order of the steps */

/* fdutil.c */
/* rel below dirfd without following links; u non-NULL: create what is
 * missing, owned by u */
int mk_open_rel(int dirfd, const char *rel, const struct mk_user *u,
		int *out);
/* mkdir (an existing directory is fine), then open it without following a
 * link and give it to u with mode. */
int mk_make_dir(int dirfd, const char *name, const struct mk_user *u,
		mode_t mode, int *out);
/* A DIR stream over a duplicate of fd (fd stays the caller's), or NULL
 * with errno set. */
DIR *mk_opendir_fd(int fd);
int mk_lock_fd(int fd); /* builder's lock on its temp dir */
int mk_remove_tree(int dirfd, const char *name);

/* acl.c */
int mk_template_load(const struct hc_config *cfg, struct mk_template *t,
		     char *err, size_t errlen);
void mk_template_free(struct mk_template *t);
int mk_acl_apply_access(int fd, acl_t acl);
int mk_acl_apply_default(int fd, acl_t acl); /* NULL: remove it */
int mk_acl_read(int fd, acl_type_t type, acl_t *out); /* *out NULL: none */
bool mk_acl_same(acl_t a, acl_t b);
char *mk_acl_text(acl_t acl); /* malloc'd one-line text, or NULL */

/* apply.c: owner, mode and ACLs of the home and public folder (also
 * --repair) */
int mk_apply_top(const struct mk_template *t, const struct mk_user *u,
		 int homefd);
int mk_apply_public(const struct mk_template *t, const struct mk_user *u,
		    int pubfd);

/* preflight.c */
enum mk_exit mk_require_root(void);
enum mk_exit mk_lookup_user(const struct hc_config *cfg, const char *name,
			    struct mk_user *u);
enum mk_exit mk_check_path(const struct hc_config *cfg, struct mk_user *u);
enum mk_exit mk_open_parent(const struct hc_config *cfg, int *parentfd);
/* Is there something at the home path? MK_OK with *exists false: nothing;
 * MK_OK with *exists true: a directory owned by the user; otherwise the
 * refusal (logged). */
enum mk_exit mk_inspect_home(int parentfd, const struct mk_user *u,
			     bool *exists);

/* build.c */
int mk_build(const struct hc_config *cfg, const struct mk_template *t,
	     const struct mk_user *u, int parentfd, char *tmpname,
	     size_t tmplen, int *lockfd);

/* install.c */
void mk_sweep(int parentfd);
enum mk_exit mk_install(int parentfd, const char *tmpname,
			const struct mk_user *u);

/* restore.c: --restore with restore_command: fill the built temporary
 * home in a detached child, then install it (see restore.c); the parent
 * returns MK_OK at once. mk_restore_state records a member's state. */
enum mk_exit mk_restore_detached(const struct hc_config *cfg,
				 const struct mk_template *t,
				 const struct mk_user *u, int parentfd,
				 const char *tmpname, int homefd);
void mk_restore_state(const struct hc_config *cfg, const char *user,
		      const char *state, const char *text);

/* repair.c */
enum mk_exit mk_check(const struct hc_config *cfg,
		      const struct mk_template *t, const struct mk_user *u,
		      int parentfd, bool repair);

#endif
