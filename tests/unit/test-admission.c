/* Unit tests for common/admission.c, the one admission decision
 * (pam_hcoop's account step, hcoopctl explain): a real cache file written
 * with the real writer, local passwd/group files in a temp directory, and
 * every named result with the message the member sees. NSS is not asked
 * here (skip_nss); tests/pam/t-takeover.sh covers it through glibc. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admission.h"
#include "cache.h"

#define NOW ((int64_t)20000 * 86400 + 3600) /* day 20000, 01:00 */

/* fopen is wrapped at link time (tests/unit/module.mk): the opens of the
 * local files (common/localdb.c) are counted, so a test can see how often
 * one decision reads them. */
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
static const char *counted_dir;
static unsigned counted_opens;

FILE *__wrap_fopen(const char *path, const char *mode)
{
	if (counted_dir && strncmp(path, counted_dir, strlen(counted_dir)) == 0)
		counted_opens++;
	return __real_fopen(path, mode);
}

struct fx {
	char dir[64], passwd[96], group[96], cache[96];
	struct hc_cache *c;
};

static void add_user(struct hc_cache_builder *b, const char *name,
		     uint32_t uid, uint32_t gid, const char *host,
		     uint32_t flags, int64_t expire)
{
	char dn[128];
	struct hc_user_in u = { .name = name, .gecos = name, .dir = "/home/x",
				.shell = "/bin/sh", .dn = dn, .host = host,
				.uid = uid, .gid = gid, .flags = flags,
				.shadow_expire = expire };

	snprintf(dn, sizeof(dn), "uid=%s,ou=People,dc=t", name);
	assert_int_equal(hc_cache_builder_add_user(b, &u), 0);
}

static void add_group(struct hc_cache_builder *b, const char *name,
		      uint32_t gid, const char *member)
{
	const char *m[] = { member };

	assert_int_equal(hc_cache_builder_add_group(b, name, gid, m,
						    member ? 1 : 0), 0);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hc_cache_builder *b = hc_cache_builder_new();

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hc-admit.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->passwd, sizeof(f->passwd), "%s/passwd", f->dir);
	snprintf(f->group, sizeof(f->group), "%s/group", f->dir);
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	write_text(f->passwd, "root:x:0:0:root:/root:/bin/bash\n"
			      "# a comment\n"
			      "localadmin:x:4242:4242::/home/l:/bin/bash\n"
			      "broken-line-without-fields\n");
	write_text(f->group, "root:x:0:\nsudo:x:27:\nstaff:x:50:\n"
			     "users:x:100:\nlocaladmin:x:4242:\n");
	add_user(b, "alice", 10001, 10001, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "bob", 10002, 10002, "host2.test", 0, HC_NO_EXPIRE);
	add_user(b, "carol", 10003, 10003, "", 0, HC_NO_EXPIRE);
	add_user(b, "dave", 10004, 10004, "host2.test", 0, HC_NO_EXPIRE);
	add_user(b, "erin", 10005, 10005, "host1.test", HC_USER_LOCKED,
		 HC_NO_EXPIRE);
	add_user(b, "frank", 10006, 10006, "host1.test", 0, 20000);
	add_user(b, "gina", 10007, 10007, "host1.test", 0, 20001);
	add_user(b, "hank", 10008, 10008, "evil host\x1b[2J", 0,
		 HC_NO_EXPIRE);
	add_user(b, "root", 30003, 30003, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "localadmin", 30004, 30004, "host1.test", 0,
		 HC_NO_EXPIRE);
	add_user(b, "twin", 4242, 30005, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "toor", 0, 30006, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "lowuid", 500, 30007, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "mallory", 30008, 27, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "sudoer", 30009, 30009, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "stafffan", 30010, 30010, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "gidclash", 30011, 30011, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "wheel", 30012, 30012, "host1.test", 0, HC_NO_EXPIRE);
	add_user(b, "lowgid", 30013, 600, "host1.test", 0, HC_NO_EXPIRE);
	add_group(b, "admins", 5001, "dave");
	add_group(b, "sudo", 30100, "sudoer");
	add_group(b, "staff", 5000, "stafffan");
	add_group(b, "hcstuff", 100, "gidclash"); /* gid of local "users" */
	add_group(b, "hcwheel", 0, "wheel");
	assert_int_equal(hc_cache_builder_write(b, f->cache, 1, "ldap://t",
						NOW), 0);
	hc_cache_builder_free(b);
	assert_int_equal(hc_cache_open(f->cache, &f->c), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hc_cache_close(f->c);
	unlink(f->passwd);
	unlink(f->group);
	unlink(f->cache);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Decide for name with host1.test, admin group admins, min_uid 1000. */
static enum hc_admit decide(struct fx *f, const char *name, uint32_t min_uid,
			    struct hc_admit_out *out)
{
	static struct hc_user u;
	struct hc_admit_in in = { .cache = f->c, .host = "HOST1.test.",
				  .admin_group = "admins",
				  .min_uid = min_uid, .now = NOW,
				  .passwd_path = f->passwd,
				  .group_path = f->group, .skip_nss = true };

	in.user = hc_cache_user_byname(f->c, name, &u) == 0 ? &u : NULL;
	return hc_admit_decide(&in, out);
}

#define EXPECT(f, name, want, msg, part)                                    \
	do {                                                                \
		struct hc_admit_out o_;                                     \
		enum hc_admit a_ = decide(f, name, 1000, &o_);              \
		if (a_ != (want))                                           \
			print_message("# %s: %s (%s)\n", name,              \
				      hc_admit_name(a_), o_.why);           \
		assert_int_equal(a_, want);                                 \
		assert_int_equal(o_.result, want);                          \
		assert_string_equal(o_.member_msg, msg);                    \
		if ((part)[0] && !strstr(o_.why, part))                     \
			fail_msg("%s: why \"%s\" lacks \"%s\"", name,       \
				 o_.why, part);                             \
	} while (0)

static void test_admitted(void **state)
{
	struct fx *f = *state;

	EXPECT(f, "alice", HC_ADMIT_HERE, "", "assigned to this host");
	EXPECT(f, "dave", HC_ADMIT_ADMIN, "", "member of admins");
	EXPECT(f, "gina", HC_ADMIT_HERE, "", ""); /* expires tomorrow */
	assert_true(hc_admit_ok(HC_ADMIT_HERE));
	assert_true(hc_admit_ok(HC_ADMIT_ADMIN));
	assert_false(hc_admit_ok(HC_REFUSE_ELSEWHERE));
}

static void test_refused_here(void **state)
{
	struct fx *f = *state;

	EXPECT(f, "bob", HC_REFUSE_ELSEWHERE,
	       "Your account lives on host2.test; log in there.",
	       "assigned to \"host2.test\"");
	EXPECT(f, "carol", HC_REFUSE_NO_HOST,
	       "Your account is not assigned to any host.", "");
	EXPECT(f, "hank", HC_REFUSE_ELSEWHERE,
	       "Your account lives on another host.", "");
	EXPECT(f, "erin", HC_REFUSE_LOCKED, "Your account is locked.",
	       "locked");
	EXPECT(f, "frank", HC_REFUSE_EXPIRED, "Your account has expired.",
	       "expired");
}

static void test_shadowed_by_local(void **state)
{
	struct fx *f = *state;

	EXPECT(f, "root", HC_SHADOWED_BY_LOCAL, "",
	       "name \"root\" is the local user root (uid 0 in");
	EXPECT(f, "localadmin", HC_SHADOWED_BY_LOCAL, "",
	       "is the local user localadmin (uid 4242");
	EXPECT(f, "twin", HC_SHADOWED_BY_LOCAL, "",
	       "uid 4242 of \"twin\" belongs to the local user localadmin");
	EXPECT(f, "lowuid", HC_SHADOWED_BY_LOCAL, "",
	       "uid 500 is reserved (below 1000)");
}

/* min_uid 0 does not make uid 0 ours: the floor is 1. */
static void test_floor(void **state)
{
	struct fx *f = *state;
	struct hc_admit_out o;

	assert_int_equal(decide(f, "toor", 0, &o), HC_SHADOWED_BY_LOCAL);
	assert_non_null(strstr(o.why, "uid 0 is reserved (below 1)"));
	assert_int_equal(decide(f, "lowuid", 0, &o), HC_ADMIT_HERE);
	assert_int_equal(decide(f, "wheel", 0, &o), HC_REFUSE_LOCAL_GROUP);
	assert_non_null(strstr(o.why, "(gid 0) is the local group root (gid 0"));
}

static void test_local_groups(void **state)
{
	struct fx *f = *state;
	const char *msg = "Your account cannot log in here: one of its groups "
			  "clashes with a local group. Please tell the admins.";

	EXPECT(f, "mallory", HC_REFUSE_LOCAL_GROUP, msg,
	       "primary group gid 27 is the local group sudo (gid 27");
	EXPECT(f, "sudoer", HC_REFUSE_LOCAL_GROUP, msg,
	       "group sudo (gid 30100) is the local group sudo (gid 27");
	EXPECT(f, "stafffan", HC_REFUSE_LOCAL_GROUP, msg,
	       "group staff (gid 5000) is the local group staff (gid 50");
	EXPECT(f, "gidclash", HC_REFUSE_LOCAL_GROUP, msg,
	       "group hcstuff (gid 100) is the local group users (gid 100");
	EXPECT(f, "wheel", HC_REFUSE_LOCAL_GROUP, msg,
	       "group hcwheel (gid 0) is the local group root (gid 0");
	EXPECT(f, "lowgid", HC_REFUSE_LOCAL_GROUP, msg,
	       "primary group gid 600 is reserved");
}

/* A local file we cannot read proves nothing: fail closed. */
static void test_unreadable_files(void **state)
{
	struct fx *f = *state;
	struct hc_admit_out o;
	struct hc_user u;
	struct hc_admit_in in = { .cache = f->c, .user = &u,
				  .host = "host1.test", .min_uid = 1000,
				  .now = NOW, .passwd_path = "/nonexistent/p",
				  .group_path = f->group, .skip_nss = true };

	assert_int_equal(hc_cache_user_byname(f->c, "alice", &u), 0);
	assert_int_equal(hc_admit_decide(&in, &o), HC_SHADOWED_BY_LOCAL);
	assert_non_null(strstr(o.why, "cannot read /nonexistent/p"));
	in.passwd_path = f->passwd;
	in.group_path = "/nonexistent/g";
	/* both files are read together (common/localdb.c): either missing
	 * means no name can be proven free */
	assert_int_equal(hc_admit_decide(&in, &o), HC_SHADOWED_BY_LOCAL);
	assert_non_null(strstr(o.why, "cannot read /nonexistent/g"));
	in.group_path = f->group;
	assert_int_equal(hc_admit_decide(&in, &o), HC_ADMIT_HERE);
	assert_true(hc_admit_is_ours(&in, &o));
}

static void test_missing_input(void **state)
{
	struct fx *f = *state;
	struct hc_admit_out o;
	struct hc_admit_in in = { .cache = NULL, .skip_nss = true };

	assert_int_equal(hc_admit_decide(&in, &o), HC_CACHE_UNUSABLE);
	assert_false(hc_admit_is_ours(&in, &o));
	in.cache = f->c;
	assert_int_equal(hc_admit_decide(&in, &o), HC_NOT_OURS);
	assert_string_equal(o.member_msg, "");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(hc_admit_name(HC_ADMIT_HERE), "ADMIT_HERE");
	assert_string_equal(hc_admit_name(HC_ADMIT_ADMIN), "ADMIT_ADMIN");
	assert_string_equal(hc_admit_name(HC_REFUSE_ELSEWHERE),
			    "REFUSE_ELSEWHERE");
	assert_string_equal(hc_admit_name(HC_REFUSE_NO_HOST), "REFUSE_NO_HOST");
	assert_string_equal(hc_admit_name(HC_REFUSE_LOCKED), "REFUSE_LOCKED");
	assert_string_equal(hc_admit_name(HC_REFUSE_EXPIRED),
			    "REFUSE_EXPIRED");
	assert_string_equal(hc_admit_name(HC_REFUSE_LOCAL_GROUP),
			    "REFUSE_LOCAL_GROUP");
	assert_string_equal(hc_admit_name(HC_NOT_OURS), "NOT_OURS");
	assert_string_equal(hc_admit_name(HC_SHADOWED_BY_LOCAL),
			    "SHADOWED_BY_LOCAL");
	assert_string_equal(hc_admit_name(HC_CACHE_UNUSABLE),
			    "CACHE_UNUSABLE");
	assert_string_equal(hc_admit_name((enum hc_admit)99), "UNKNOWN");
}

/* One decision reads /etc/passwd and /etc/group once each (both layers
 * share them), hc_admit_is_ours alone the same; they are read afresh at
 * every call (a local account made a second ago counts). */
static void test_reads_local_files_once(void **state)
{
	struct fx *f = *state;
	struct hc_admit_out out;
	struct hc_user u;
	struct hc_admit_in in = { .cache = f->c, .host = "host1.test",
				  .min_uid = 1000, .now = NOW,
				  .passwd_path = f->passwd,
				  .group_path = f->group, .skip_nss = true,
				  .user = &u };

	assert_int_equal(hc_cache_user_byname(f->c, "alice", &u), 0);
	counted_dir = f->dir;
	counted_opens = 0;
	assert_int_equal(hc_admit_decide(&in, &out), HC_ADMIT_HERE);
	assert_int_equal(counted_opens, 2);
	counted_opens = 0;
	assert_true(hc_admit_is_ours(&in, &out));
	assert_int_equal(counted_opens, 2);
	counted_opens = 0;
	assert_int_equal(hc_admit_decide(&in, &out), HC_ADMIT_HERE);
	assert_int_equal(counted_opens, 2);
	counted_dir = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admitted),
		cmocka_unit_test(test_refused_here),
		cmocka_unit_test(test_shadowed_by_local),
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_local_groups),
		cmocka_unit_test(test_unreadable_files),
		cmocka_unit_test(test_missing_input),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_reads_local_files_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
