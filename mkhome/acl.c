/* POSIX ACLs of the home and the public folder, with libacl, on
 * descriptors only.
 *
 * The template is built once from the config: the mode's owner/group/other
 * entries plus the configured named entries ("user:NAME:rwx",
 * "group:NAME:r-x"; u:/g: accepted) plus a mask computed by acl_calc_mask.
 * Names resolve with getpwnam/getgrnam (local accounts such as www-data),
 * or are numeric ids.
 *
 * acl_set_fd can only set the access ACL; default ACLs are set through
 * "/proc/self/fd/N", which names the directory we hold open (a magic link
 * to the open file itself, so no path is looked up again). */
#include "mkhome.h"

#include <acl/libacl.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

static int parse_perms(const char *s, acl_permset_t ps)
{
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		acl_perm_t p;

		switch (*s) {
		case 'r': p = ACL_READ; break;
		case 'w': p = ACL_WRITE; break;
		case 'x': p = ACL_EXECUTE; break;
		case '-': continue;
		default: return -EINVAL;
		}
		if (acl_add_perm(ps, p) < 0)
			return -errno;
	}
	return 0;
}

static int resolve_id(bool is_user, const char *name, id_t *id)
{
	uint32_t n;

	if (hc_parse_u32(name, 0, UINT32_MAX - 1, &n) == 0) {
		*id = n;
		return 0;
	}
	if (is_user) {
		struct passwd *pw = getpwnam(name);

		if (!pw)
			return -ENOENT;
		*id = pw->pw_uid;
	} else {
		struct group *gr = getgrnam(name);

		if (!gr)
			return -ENOENT;
		*id = gr->gr_gid;
	}
	return 0;
}

/* Add one "user:NAME:PERMS" entry. */
static int add_entry(acl_t *acl, const char *spec, char *err, size_t errlen)
{
	char buf[256], *name, *perms;
	acl_entry_t e;
	acl_permset_t ps;
	bool is_user;
	id_t id;
	int r;

	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		goto bad;
	name = strchr(buf, ':');
	perms = name ? strchr(name + 1, ':') : NULL;
	if (!perms || strchr(perms + 1, ':'))
		goto bad;
	*name++ = '\0';
	*perms++ = '\0';
	if (!strcmp(buf, "user") || !strcmp(buf, "u"))
		is_user = true;
	else if (!strcmp(buf, "group") || !strcmp(buf, "g"))
		is_user = false;
	else
		goto bad;
	if (!*name)
		goto bad;
	r = resolve_id(is_user, name, &id);
	if (r < 0) {
		snprintf(err, errlen, "ACL entry '%.100s': no such %s '%.40s'",
			 spec, is_user ? "user" : "group", name);
		return r;
	}
	if (acl_create_entry(acl, &e) < 0 ||
	    acl_set_tag_type(e, is_user ? ACL_USER : ACL_GROUP) < 0 ||
	    acl_set_qualifier(e, &id) < 0 || acl_get_permset(e, &ps) < 0)
		return -errno;
	if (parse_perms(perms, ps) < 0 || acl_set_permset(e, ps) < 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen,
		 "bad ACL entry '%.100s' (want user:NAME:rwx or group:NAME:rwx)",
		 spec);
	return -EINVAL;
}

static int build_acl(mode_t mode, char *const *entries, size_t n, acl_t *out,
		     char *err, size_t errlen)
{
	acl_t acl = acl_from_mode(mode & 0777);
	size_t i;
	int r = 0;

	if (!acl)
		return -errno;
	for (i = 0; i < n && r == 0; i++)
		r = add_entry(&acl, entries[i], err, errlen);
	if (r == 0 && n > 0 && acl_calc_mask(&acl) < 0)
		r = -errno;
	if (r == 0 && acl_valid(acl) < 0) {
		/* e.g. the same user named twice */
		snprintf(err, errlen, "the configured ACL entries are not a valid ACL (duplicate name?)");
		r = -EINVAL;
	}
	if (r < 0) {
		acl_free(acl);
		return r;
	}
	*out = acl;
	return 0;
}

/* The mode a file has once acl is set on it: group bits show the mask. */
static mode_t mode_of(acl_t acl, mode_t special)
{
	mode_t m = special & 07000;
	acl_entry_t e;
	int id = ACL_FIRST_ENTRY;
	mode_t group = 0;
	bool have_mask = false;

	while (acl_get_entry(acl, id, &e) == 1) {
		acl_tag_t tag;
		acl_permset_t ps;
		mode_t p = 0;

		id = ACL_NEXT_ENTRY;
		if (acl_get_tag_type(e, &tag) < 0 || acl_get_permset(e, &ps) < 0)
			continue;
		p = (acl_get_perm(ps, ACL_READ) == 1 ? 4 : 0) |
		    (acl_get_perm(ps, ACL_WRITE) == 1 ? 2 : 0) |
		    (acl_get_perm(ps, ACL_EXECUTE) == 1 ? 1 : 0);
		if (tag == ACL_USER_OBJ)
			m |= p << 6;
		else if (tag == ACL_OTHER)
			m |= p;
		else if (tag == ACL_MASK) {
			group = p;
			have_mask = true;
		} else if (tag == ACL_GROUP_OBJ && !have_mask)
			group = p;
	}
	return m | (group << 3);
}

int mk_template_load(const struct hc_config *cfg, struct mk_template *t,
		     char *err, size_t errlen)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = build_acl(cfg->home_mode, cfg->home_acl, cfg->n_home_acl,
		      &t->home_acl, err, errlen);
	if (r == 0)
		r = build_acl(cfg->public_mode, cfg->public_acl,
			      cfg->n_public_acl, &t->public_acl, err, errlen);
	if (r == 0 && cfg->n_public_acl > 0)
		r = build_acl(cfg->public_mode, cfg->public_acl,
			      cfg->n_public_acl, &t->public_def, err, errlen);
	if (r < 0) {
		mk_template_free(t);
		return r;
	}
	t->home_mode = mode_of(t->home_acl, cfg->home_mode);
	t->public_mode = mode_of(t->public_acl, cfg->public_mode);
	return 0;
}

void mk_template_free(struct mk_template *t)
{
	if (t->home_acl)
		acl_free(t->home_acl);
	if (t->public_acl)
		acl_free(t->public_acl);
	if (t->public_def)
		acl_free(t->public_def);
	memset(t, 0, sizeof(*t));
}

static bool is_minimal(acl_t acl)
{
	mode_t m;

	return acl_equiv_mode(acl, &m) == 0;
}

int mk_acl_apply_access(int fd, acl_t acl)
{
	if (acl_set_fd(fd, acl) == 0)
		return 0;
	/* a filesystem without ACLs is fine as long as none is wanted: the
	 * caller's fchmod already did the work */
	if ((errno == EOPNOTSUPP || errno == ENOTSUP) && is_minimal(acl))
		return 0;
	return -errno;
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

int mk_acl_apply_default(int fd, acl_t acl)
{
	char path[64];

	fd_path(fd, path, sizeof(path));
	if (acl)
		return acl_set_file(path, ACL_TYPE_DEFAULT, acl) < 0 ? -errno : 0;
	if (acl_delete_def_file(path) == 0)
		return 0;
	return (errno == EOPNOTSUPP || errno == ENOTSUP) ? 0 : -errno;
}

int mk_acl_read(int fd, acl_type_t type, acl_t *out)
{
	char path[64];
	acl_t acl;

	*out = NULL;
	if (type == ACL_TYPE_ACCESS) {
		acl = acl_get_fd(fd);
	} else {
		fd_path(fd, path, sizeof(path));
		acl = acl_get_file(path, type);
	}
	if (!acl)
		return (errno == EOPNOTSUPP || errno == ENOTSUP) ? 0 : -errno;
	/* an empty default ACL means "none" */
	if (type == ACL_TYPE_DEFAULT && acl_entries(acl) == 0) {
		acl_free(acl);
		return 0;
	}
	*out = acl;
	return 0;
}

bool mk_acl_same(acl_t a, acl_t b)
{
	if (!a || !b)
		return a == b;
	return acl_cmp(a, b) == 0;
}

char *mk_acl_text(acl_t acl)
{
	char *s, *copy;

	if (!acl)
		return strdup("(none)");
	s = acl_to_any_text(acl, NULL, ',', TEXT_ABBREVIATE);
	if (!s)
		return NULL;
	/* libacl's string must be released with acl_free: hand out a copy
	 * the caller frees like any other */
	copy = strdup(s);
	acl_free(s);
	return copy;
}
