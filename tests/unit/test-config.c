/* Unit tests for the config parser (common/config*.c, common/secret.c):
 * defaults, every keyword, every error class with its exact "file:line:
 * keyword:" prefix, URI lists and keyword case, the parse-time value
 * checks, who may have written the file (owner, mode, directories,
 * symlinks), dump round trip, and the bindpw_file checks (permissions,
 * owner, symlink, size), at load time and again when read. Config files
 * are written to a private temp directory removed at the end. Tests that
 * give files away or switch user need root (CI runs as root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"

static char tmpdir[] = "/tmp/hcoop-unit-config.XXXXXX";
static char conf_path[256];

static int setup_dir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *dump_body(const struct hc_config *cfg);

/* Write len bytes to tmpdir/name with mode; returns the path (static). */
static const char *write_file(const char *name, const char *data, size_t len,
			      mode_t mode)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* Load text as a config file named tmpdir/hcoop.conf. */
static int load_text(const char *text, size_t len, struct hc_config *cfg,
		     char *err, size_t errlen)
{
	snprintf(conf_path, sizeof(conf_path), "%s",
		 write_file("hcoop.conf", text, len, 0644));
	return hc_config_load(conf_path, cfg, err, errlen);
}

static int load(const char *text, struct hc_config *cfg, char *err,
		size_t errlen)
{
	return load_text(text, strlen(text), cfg, err, errlen);
}

static void test_defaults(void **state)
{
	struct hc_config cfg;
	char err[512], host[HOST_NAME_MAX + 1] = "";

	(void)state;
	assert_int_equal(load("# nothing\n\n   \n\t# indented comment\n", &cfg,
			      err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.path, conf_path);
	assert_int_equal(cfg.n_uri, 0);
	assert_null(cfg.base);
	assert_null(cfg.user_base);
	assert_null(cfg.group_base);
	assert_null(cfg.binddn);
	assert_null(cfg.bindpw_file);
	assert_null(cfg.sasl_mech);
	assert_int_equal(cfg.ssl, HC_SSL_START_TLS);
	assert_null(cfg.tls_cacert);
	assert_int_equal(cfg.tls_reqcert, HC_REQCERT_DEMAND);
	assert_false(cfg.allow_cleartext);
	assert_int_equal(cfg.timeout, 3);
	assert_int_equal(cfg.op_timeout, 10);
	gethostname(host, sizeof(host) - 1);
	assert_string_equal(cfg.host, host);
	assert_null(cfg.admin_group);
	assert_int_equal(cfg.min_uid, 1000);
	assert_string_equal(cfg.cache, HC_CACHE_DEFAULT_PATH);
	assert_string_equal(cfg.cache, "/var/lib/hcoop/cache");
	assert_int_equal(cfg.refresh_interval, 600);
	assert_int_equal(cfg.max_removal, 10);
	assert_false(cfg.precreate_homes);
	assert_string_equal(cfg.mkhome, "/usr/sbin/hcoop-mkhome");
	assert_string_equal(cfg.home_base, "/home");
	assert_string_equal(cfg.skel, "/etc/skel");
	assert_int_equal(cfg.home_mode, 0750);
	assert_int_equal(cfg.n_home_acl, 0);
	assert_string_equal(cfg.public_dir, "public_html");
	assert_int_equal(cfg.public_mode, 0755);
	assert_int_equal(cfg.n_public_acl, 0);
	assert_false(cfg.maildir);
	assert_false(cfg.home_required);
	assert_false(cfg.debug);
	hc_config_free(&cfg);
	assert_null(cfg.host);
	hc_config_free(&cfg); /* twice is harmless */
}

/* "@PW@" stands for a good secret file in tmpdir (see full_text) */
static const char full_conf[] =
	"# every keyword\n"
	"uri ldap://127.0.0.1:3890/\n"
	"uri ldaps://ldap2.example.org\n"
	"uri ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi\n"
	"base dc=hcoop,dc=test\n"
	"user_base   ou=People, dc=hcoop, dc=test   \n"
	"group_base\tou=Groups,dc=hcoop,dc=test\n"
	"binddn cn=host1.hcoop.test,ou=Hosts,dc=hcoop,dc=test\n"
	"bindpw_file @PW@\n"
	"ssl on\n"
	"tls_cacert /etc/ssl/certs/hcoop-ca.pem\n"
	"tls_reqcert hard\n"
	"allow_cleartext yes\n"
	"timeout 5\n"
	"op_timeout 20\n"
	"host Host1.HCOOP.test.\n"
	"admin_group admins\n"
	"min_uid 2000\n"
	"cache /var/lib/hcoop/test-cache\n"
	"refresh_interval 60\n"
	"max_removal 25\n"
	"precreate_homes on\n"
	"mkhome /usr/local/sbin/hcoop-mkhome\n"
	"home_base /srv/home\n"
	"skel /etc/hcoop/skel\n"
	"home_mode 0711\n"
	"home_acl user:www-data:--x\n"
	"home_acl group:staff:r-x\n"
	"public_dir www/public\n"
	"public_mode 2775\n"
	"public_acl user:www-data:r-x\n"
	"maildir true\n"
	"home_required on\n"
	"debug yes\n";

/* full_conf with @PW@ replaced by a secret file written now (static). */
static const char *full_text(void)
{
	static char text[sizeof(full_conf) + PATH_MAX];
	static char pw[PATH_MAX];
	const char *at = strstr(full_conf, "@PW@");

	snprintf(pw, sizeof(pw), "%s", write_file("full.pw", "x\n", 2, 0600));
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - full_conf),
		 full_conf, pw, at + 4);
	return text;
}

static void test_every_keyword(void **state)
{
	struct hc_config cfg;
	char err[512], pw[PATH_MAX];

	(void)state;
	snprintf(pw, sizeof(pw), "%s/full.pw", tmpdir);
	assert_int_equal(load(full_text(), &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_uri, 3);
	assert_string_equal(cfg.uri[0], "ldap://127.0.0.1:3890/");
	assert_string_equal(cfg.uri[1], "ldaps://ldap2.example.org");
	assert_string_equal(cfg.uri[2], "ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi");
	assert_string_equal(cfg.base, "dc=hcoop,dc=test");
	assert_string_equal(cfg.user_base, "ou=People, dc=hcoop, dc=test");
	assert_string_equal(cfg.group_base, "ou=Groups,dc=hcoop,dc=test");
	assert_string_equal(cfg.binddn, "cn=host1.hcoop.test,ou=Hosts,dc=hcoop,dc=test");
	assert_string_equal(cfg.bindpw_file, pw);
	assert_int_equal(cfg.ssl, HC_SSL_ON);
	assert_string_equal(cfg.tls_cacert, "/etc/ssl/certs/hcoop-ca.pem");
	assert_int_equal(cfg.tls_reqcert, HC_REQCERT_HARD);
	assert_true(cfg.allow_cleartext);
	assert_int_equal(cfg.timeout, 5);
	assert_int_equal(cfg.op_timeout, 20);
	assert_string_equal(cfg.host, "Host1.HCOOP.test.");
	assert_string_equal(cfg.admin_group, "admins");
	assert_int_equal(cfg.min_uid, 2000);
	assert_string_equal(cfg.cache, "/var/lib/hcoop/test-cache");
	assert_int_equal(cfg.refresh_interval, 60);
	assert_int_equal(cfg.max_removal, 25);
	assert_true(cfg.precreate_homes);
	assert_string_equal(cfg.mkhome, "/usr/local/sbin/hcoop-mkhome");
	assert_string_equal(cfg.home_base, "/srv/home");
	assert_string_equal(cfg.skel, "/etc/hcoop/skel");
	assert_int_equal(cfg.home_mode, 0711);
	assert_int_equal(cfg.n_home_acl, 2);
	assert_string_equal(cfg.home_acl[0], "user:www-data:--x");
	assert_string_equal(cfg.home_acl[1], "group:staff:r-x");
	assert_string_equal(cfg.public_dir, "www/public");
	assert_int_equal(cfg.public_mode, 02775);
	assert_int_equal(cfg.n_public_acl, 1);
	assert_string_equal(cfg.public_acl[0], "user:www-data:r-x");
	assert_true(cfg.maildir);
	assert_true(cfg.home_required);
	assert_true(cfg.debug);
	hc_config_free(&cfg);
}

/* Single lines that must be accepted, each alone in a file. */
static void test_good_values(void **state)
{
	static const char *const good[] = {
		"ssl start_tls", "ssl off", "ssl on",
		"tls_reqcert never", "tls_reqcert allow", "tls_reqcert try",
		"tls_reqcert demand", "tls_reqcert hard",
		"debug no", "debug off", "debug false", "debug true",
		"timeout 1", "timeout 300", "op_timeout 3600", "min_uid 0",
		"min_uid 4294967294", "max_removal 0", "max_removal 100",
		"refresh_interval 1", "home_mode 750", "home_mode 07777",
		"public_mode 0", "skel none", "public_dir none",
		"public_dir public_html", "sasl_mech EXTERNAL",
		"uri LDAP://ldap.example.org", "uri ldapi:///",
		"uri ldap://[::1]:389", "host localhost", "host h-1.example",
		"host 1a.b-c.d", "uri ldap://a ldaps://b", "uri  ldap://a\tldap://b ",
		"TIMEOUT 4", "Tls_ReqCert demand", "debug YES", "ssl START_TLS",
		"tls_reqcert Hard", "home_base /home", "skel /",
		"home_acl user:www:r-x\nhome_acl group:www:r-x",
		"admin_group _admins", "home_acl user:www-data:---",
		"home_acl group:www:rwx", "base o=Example Co, c=US",
		"binddn uid=x,ou=People,dc=a", "cache /tmp/cache",
		"   timeout 4   ", "timeout 4\r",
	};
	struct hc_config cfg;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = load(good[i], &cfg, err, sizeof(err));

		if (r != 0)
			print_message("# refused '%s': %s\n", good[i], err);
		assert_int_equal(r, 0);
		hc_config_free(&cfg);
	}
	assert_int_equal(load("skel none\npublic_dir none\n", &cfg, err,
			      sizeof(err)), 0);
	assert_null(cfg.skel);
	assert_null(cfg.public_dir);
	hc_config_free(&cfg);
}

/* issue 18: several URIs per line, as in ldap.conf, and several lines */
static void test_uri_lists(void **state)
{
	struct hc_config cfg;
	char err[512];

	(void)state;
	assert_int_equal(load("URI ldap://a:389/ ldaps://b\tldapi:///\n"
			      "uri  ldap://d   \n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_uri, 4);
	assert_string_equal(cfg.uri[0], "ldap://a:389/");
	assert_string_equal(cfg.uri[1], "ldaps://b");
	assert_string_equal(cfg.uri[2], "ldapi:///");
	assert_string_equal(cfg.uri[3], "ldap://d");
	hc_config_free(&cfg);
	/* exactly the bound, on one line */
	assert_int_equal(load("uri ldap://1 ldap://2 ldap://3 ldap://4 ldap://5 "
			      "ldap://6 ldap://7 ldap://8\n", &cfg, err,
			      sizeof(err)), 0);
	assert_int_equal(cfg.n_uri, HC_MAX_URIS);
	assert_string_equal(cfg.uri[7], "ldap://8");
	hc_config_free(&cfg);
}

/* issue 18: keywords (and the words of yes/no and enumerated values) are
 * case-insensitive, as in ldap.conf; the dump writes them lower case */
static void test_keyword_case(void **state)
{
	struct hc_config cfg;
	char err[512], *d;

	(void)state;
	assert_int_equal(load("BASE dc=x\nTLS_REQCERT Never\nSsl OFF\n"
			      "Debug Yes\nHome_Mode 0700\n", &cfg, err,
			      sizeof(err)), 0);
	assert_string_equal(cfg.base, "dc=x");
	assert_int_equal(cfg.tls_reqcert, HC_REQCERT_NEVER);
	assert_int_equal(cfg.ssl, HC_SSL_OFF);
	assert_true(cfg.debug);
	assert_int_equal(cfg.home_mode, 0700);
	d = dump_body(&cfg);
	assert_non_null(strstr(d, "\nbase dc=x\n"));
	assert_non_null(strstr(d, "\ntls_reqcert never\n"));
	assert_non_null(strstr(d, "\nssl off\n"));
	assert_non_null(strstr(d, "\ndebug yes\n"));
	free(d);
	hc_config_free(&cfg);
}

static void test_base_defaults(void **state)
{
	struct hc_config cfg;
	char err[512];

	(void)state;
	assert_int_equal(load("base dc=x\n", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.user_base, "dc=x");
	assert_string_equal(cfg.group_base, "dc=x");
	hc_config_free(&cfg);
	assert_int_equal(load("group_base ou=G,dc=x\nbase dc=x\n", &cfg, err,
			      sizeof(err)), 0);
	assert_string_equal(cfg.user_base, "dc=x");
	assert_string_equal(cfg.group_base, "ou=G,dc=x");
	hc_config_free(&cfg);
}

struct bad_case {
	const char *text;
	const char *want; /* the message after "PATH" */
};

/* Each error class, with the exact message after the file name. */
static const struct bad_case bad[] = {
	{"bogus 1\n", ":1: unknown keyword 'bogus'"},
	{"# c\n\nTimeoutt 3\n", ":3: unknown keyword 'Timeoutt'"},
	{"Timeout 3\ntimeout 4\n", ":2: timeout: already set on line 1"},
	{"timeout\n", ":1: timeout: missing value"},
	{"base   \n", ":1: base: missing value"},
	{"timeout 3 4\n", ":1: timeout: unexpected argument '4' after the value"},
	{"uri ldap://a http://b ldap://c\n",
	 ":1: uri: 'http://b': must start with ldap://, ldaps:// or ldapi://"},
	{"debug yes # comment\n",
	 ":1: debug: unexpected argument '# comment' after the value"},
	{"timeout 0\n", ":1: timeout: '0': out of range (1 to 300)"},
	{"timeout 301\n", ":1: timeout: '301': out of range (1 to 300)"},
	{"timeout 99999999999999999999\n",
	 ":1: timeout: '99999999999999999999': out of range (1 to 300)"},
	{"max_removal 101\n", ":1: max_removal: '101': out of range (0 to 100)"},
	{"min_uid 4294967295\n",
	 ":1: min_uid: '4294967295': out of range (0 to 4294967294)"},
	{"timeout -1\n", ":1: timeout: '-1': not a number"},
	{"timeout +1\n", ":1: timeout: '+1': not a number"},
	{"timeout 0x10\n", ":1: timeout: '0x10': not a number"},
	{"op_timeout 5s\n", ":1: op_timeout: '5s': not a number"},
	{"timeout 3\ntimeout 4\n", ":2: timeout: already set on line 1"},
	{"base dc=a\n#\nbase dc=b\n", ":3: base: already set on line 1"},
	{"skel none\nskel /etc/skel\n", ":2: skel: already set on line 1"},
	{"debug maybe\n",
	 ":1: debug: 'maybe': expected yes, no, on, off, true or false"},
	{"debug ja\n",
	 ":1: debug: 'ja': expected yes, no, on, off, true or false"},
	{"ssl starttls\n", ":1: ssl: 'starttls': expected start_tls, on or off"},
	{"tls_reqcert always\n",
	 ":1: tls_reqcert: 'always': expected never, allow, try, demand or hard"},
	{"home_mode 0758\n", ":1: home_mode: '0758': not an octal mode like 0750"},
	{"home_mode 10000\n",
	 ":1: home_mode: '10000': out of range (at most 07777)"},
	{"uri http://x\n",
	 ":1: uri: 'http://x': must start with ldap://, ldaps:// or ldapi://"},
	{"uri ldap://\n", ":1: uri: 'ldap://': no host name"},
	{"uri ldaps:///\n", ":1: uri: 'ldaps:///': no host name"},
	{"base example.org\n",
	 ":1: base: 'example.org': not a DN (like dc=example,dc=org)"},
	{"binddn =x\n", ":1: binddn: '=x': not a DN (like dc=example,dc=org)"},
	{"cache var/lib/hcoop/cache\n",
	 ":1: cache: 'var/lib/hcoop/cache': must be an absolute path"},
	{"home_base home\n", ":1: home_base: 'home': must be an absolute path"},
	{"home_base /\n", ":1: home_base: '/': must not be /"},
	/* issue 18: values that parse but that a later step refuses */
	{"home_base /home/\n", ":1: home_base: '/home/': must not end with '/'"},
	{"home_base /srv//home\n",
	 ":1: home_base: '/srv//home': must not contain empty or '.' components"},
	{"home_base /srv/./home\n",
	 ":1: home_base: '/srv/./home': must not contain empty or '.' components"},
	{"cache /var/lib/hcoop/\n",
	 ":1: cache: '/var/lib/hcoop/': must not end with '/'"},
	{"mkhome /usr/sbin/./hcoop-mkhome\n",
	 ":1: mkhome: '/usr/sbin/./hcoop-mkhome': must not contain empty"},
	{"host h_1\n", ":1: host: 'h_1': '_' is not allowed in a host name"},
	{"host host_1.example.org\n",
	 ":1: host: 'host_1.example.org': '_' is not allowed in a host name"},
	{"host a-.b\n", ":1: host: 'a-.b': a host name label must not end with '-'"},
	{"host ab-\n", ":1: host: 'ab-': a host name label must not end with '-'"},
	{"host a.-b\n", ":1: host: 'a.-b': a host name label must not start with '-'"},
	{"home_acl user:www-data:r-x\nhome_acl user:www-data:--x\n",
	 ":2: home_acl: 'user:www-data:--x': a second entry for the same user"},
	{"public_acl group:www:r-x\npublic_acl user:a:rwx\npublic_acl group:www:r-x\n",
	 ":3: public_acl: 'group:www:r-x': a second entry for the same user"},
	{"home_base /home/../etc\n",
	 ":1: home_base: '/home/../etc': must not contain '..'"},
	{"bindpw_file secret\n",
	 ":1: bindpw_file: 'secret': must be an absolute path"},
	{"skel skel\n", ":1: skel: 'skel': must be an absolute path"},
	{"public_dir /var/www\n",
	 ":1: public_dir: '/var/www': must be relative to the home directory"},
	{"public_dir ../x\n",
	 ":1: public_dir: '../x': must not contain '.' or '..' components"},
	{"public_dir a/../../x\n",
	 ":1: public_dir: 'a/../../x': must not contain '.' or '..' components"},
	{"public_dir a//b\n",
	 ":1: public_dir: 'a//b': must not contain empty components"},
	{"admin_group Admins\n", ":1: admin_group: 'Admins': not a valid name"},
	{"host bad/host\n", ":1: host: 'bad/host': host names contain only letters, digits, '-' and '.'"},
	{"host -x\n", ":1: host: '-x': host names start with a letter or digit"},
	{"host .\n", ":1: host: '.': not a host name"},
	{"host a..b\n", ":1: host: 'a..b': empty label in host name"},
	{"home_acl www-data:r-x\n",
	 ":1: home_acl: 'www-data:r-x': expected user:NAME:PERMS"},
	{"home_acl other::r-x\n",
	 ":1: home_acl: 'other::r-x': expected user:NAME:PERMS"},
	{"home_acl user::r-x\n",
	 ":1: home_acl: 'user::r-x': not a valid user or group name"},
	{"home_acl user:Www:r-x\n",
	 ":1: home_acl: 'user:Www:r-x': not a valid user or group name"},
	{"public_acl user:alice)(uid=*:r-x\n",
	 ":1: public_acl: 'user:alice)(uid=*:r-x': not a valid user or group name"},
	{"home_acl user:www-data:rx\n",
	 ":1: home_acl: 'user:www-data:rx': permissions must be 3 characters"},
	{"home_acl user:www-data:xwr\n",
	 ":1: home_acl: 'user:www-data:xwr': permissions must be 3 characters"},
	{"home_acl group:www\n",
	 ":1: home_acl: 'group:www': expected user:NAME:PERMS"},
	{"sasl_mech GSSAPI\n", ":1: sasl_mech: 'GSSAPI': only EXTERNAL is supported"},
	{"binddn cn=a\nsasl_mech EXTERNAL\n",
	 ":2: sasl_mech: cannot be combined with binddn (line 1)"},
	{"base dc=a\x01\n", ":1: base: control character (byte 0x01) in value"},
	{"timeout\x1b 3\n", ":1: control character in keyword"},
};

static void check_bad(const char *text, size_t len, const char *want)
{
	struct hc_config cfg;
	char err[512], expect[1024];
	int r;

	memset(&cfg, 0x5a, sizeof(cfg));
	r = load_text(text, len, &cfg, err, sizeof(err));
	snprintf(expect, sizeof(expect), "%s%s", conf_path, want);
	if (r != -EINVAL || strncmp(err, expect, strlen(expect)) != 0)
		print_message("# config '%s'\n#  got:  %s\n#  want: %s...\n",
			      text, err, expect);
	assert_int_equal(r, -EINVAL);
	assert_true(strncmp(err, expect, strlen(expect)) == 0);
	/* on error nothing is left to free */
	assert_null(cfg.host);
	assert_null(cfg.path);
	assert_int_equal(cfg.n_uri, 0);
}

static void test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bad(bad[i].text, strlen(bad[i].text), bad[i].want);
}

static void test_line_limits(void **state)
{
	char text[8192];
	size_t n;

	(void)state;
	/* 4096 bytes is the longest line accepted */
	n = (size_t)snprintf(text, sizeof(text), "# ");
	memset(text + n, 'x', 4096 - n);
	memcpy(text + 4096, "\ndebug yes\n", 12);
	{
		struct hc_config cfg;
		char err[256];

		assert_int_equal(load(text, &cfg, err, sizeof(err)), 0);
		assert_true(cfg.debug);
		hc_config_free(&cfg);
	}
	memset(text, 'x', sizeof(text));
	memcpy(text, "debug yes\n# ", 12);
	memcpy(text + 4097 + 10, "\n", 2);
	check_bad(text, strlen(text), ":2: line too long (more than 4096 bytes)");
	check_bad("debug yes\nbase dc=a\0b\n", 22, ":2: NUL byte in line");
	check_bad("# \0\n", 4, ":1: NUL byte in line");
}

/* a path component longer than NAME_MAX: no open() could ever succeed */
static void test_long_component(void **state)
{
	char text[1024], name[300];

	(void)state;
	memset(name, 'a', 256);
	name[256] = '\0';
	snprintf(text, sizeof(text), "home_base /srv/%s\n", name);
	check_bad(text, strlen(text), ":1: home_base: '/srv/aaaa");
	{
		struct hc_config cfg;
		char err[512];

		assert_int_equal(load(text, &cfg, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "a component is longer than 255 bytes"));
		snprintf(text, sizeof(text), "public_dir www/%s\n", name);
		assert_int_equal(load(text, &cfg, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "public_dir: "));
		assert_non_null(strstr(err, "a component is longer than 255 bytes"));
		name[255] = '\0'; /* exactly NAME_MAX is fine */
		snprintf(text, sizeof(text), "public_dir www/%s\ncache /v/%s\n",
			 name, name);
		assert_int_equal(load(text, &cfg, err, sizeof(err)), 0);
		hc_config_free(&cfg);
	}
}

static void test_too_many(void **state)
{
	char text[4096];
	size_t i, n = 0;

	(void)state;
	for (i = 0; i <= HC_MAX_URIS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "uri ldap://h%zu\n", i);
	check_bad(text, n, ":9: uri: too many values (at most 8)");
	/* the bound is on the total, however the URIs are spread on lines */
	n = (size_t)snprintf(text, sizeof(text), "uri");
	for (i = 0; i <= HC_MAX_URIS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      " ldap://h%zu", i);
	text[n++] = '\n';
	check_bad(text, n, ":1: uri: too many values (at most 8)");
	n = (size_t)snprintf(text, sizeof(text),
			     "uri ldap://a ldap://b ldap://c\nuri ldap://d\n"
			     "uri ldap://e ldap://f ldap://g ldap://h ldap://i\n");
	check_bad(text, n, ":3: uri: too many values (at most 8)");
	n = 0;
	for (i = 0; i <= HC_MAX_ACLS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "public_acl user:u%zu:r-x\n", i);
	check_bad(text, n, ":17: public_acl: too many values (at most 16)");
}

static void test_missing_file(void **state)
{
	struct hc_config cfg;
	char err[512], path[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist.conf", tmpdir);
	assert_int_equal(hc_config_load(path, &cfg, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory",
		 path);
	assert_string_equal(err, want);
	assert_null(cfg.host);
	/* a directory is not a config file */
	assert_true(hc_config_load(tmpdir, &cfg, err, sizeof(err)) < 0);
	assert_null(cfg.host);
}

/* ---- who may have written the config (issue 10 item 11) ---- */

/* Load path: 0, or the error's rc with err compared to "PATH: what". */
static void expect_trust(const char *path, int rc, const char *what)
{
	struct hc_config cfg;
	char err[512], want[2 * PATH_MAX];
	int r;

	memset(&cfg, 0x5a, sizeof(cfg));
	r = hc_config_load(path, &cfg, err, sizeof(err));
	if (rc == 0) {
		if (r != 0)
			print_message("# %s refused: %s\n", path, err);
		assert_int_equal(r, 0);
		hc_config_free(&cfg);
		return;
	}
	snprintf(want, sizeof(want), "%s: %s", path, what);
	if (r != rc || strcmp(err, want) != 0)
		print_message("# got %d '%s'\n# want %d '%s'\n", r, err, rc, want);
	assert_int_equal(r, rc);
	assert_string_equal(err, want);
	assert_null(cfg.host);
}

/* tmpdir/name: a directory with mode (umask-proof), made once */
static const char *subdir(const char *name, mode_t mode)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static const char *link_to(const char *name, const char *target)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	return path;
}

static void test_config_file_trust(void **state)
{
	char p[PATH_MAX], fifo[PATH_MAX];

	(void)state;
	snprintf(p, sizeof(p), "%s", write_file("t.conf", "debug yes\n", 10, 0644));
	expect_trust(p, 0, NULL);
	assert_int_equal(chmod(p, 0400), 0);
	expect_trust(p, 0, NULL);
	assert_int_equal(chmod(p, 0664), 0);
	expect_trust(p, -EPERM, "mode 0664 lets group or others write it, "
		     "must not be group/world-writable");
	assert_int_equal(chmod(p, 0646), 0);
	expect_trust(p, -EPERM, "mode 0646 lets group or others write it, "
		     "must not be group/world-writable");
	/* not a file: refused without blocking on a FIFO */
	snprintf(fifo, sizeof(fifo), "%s/fifo.conf", tmpdir);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	expect_trust(fifo, -EPERM, "not a regular file");
	expect_trust(subdir("adir", 0755), -EPERM, "not a regular file");
}

static void test_config_dir_trust(void **state)
{
	char ww[PATH_MAX], p[PATH_MAX], want[2 * PATH_MAX];

	(void)state;
	/* a directory others may write: they could swap the file */
	snprintf(ww, sizeof(ww), "%s", subdir("ww", 0777));
	snprintf(p, sizeof(p), "%s", write_file("ww/h.conf", "debug yes\n", 10, 0644));
	snprintf(want, sizeof(want), "directory %s (mode 0777) is writable by "
		 "group or others", ww);
	expect_trust(p, -EPERM, want);
	subdir("ww", 0775);
	snprintf(want, sizeof(want), "directory %s (mode 0775) is writable by "
		 "group or others", ww);
	expect_trust(p, -EPERM, want);
	/* ... unless sticky, like /tmp: nobody else can rename our file */
	subdir("ww", 01777);
	expect_trust(p, 0, NULL);
	subdir("ww", 0755);
	expect_trust(p, 0, NULL);
}

static void test_config_symlink_trust(void **state)
{
	char good[PATH_MAX], weak[PATH_MAX], inww[PATH_MAX], ww[PATH_MAX],
	     want[2 * PATH_MAX];

	(void)state;
	snprintf(good, sizeof(good), "%s", write_file("good.conf", "debug yes\n", 10, 0644));
	snprintf(weak, sizeof(weak), "%s", write_file("bad.conf", "debug yes\n", 10, 0666));
	snprintf(ww, sizeof(ww), "%s", subdir("ww2", 0777));
	snprintf(inww, sizeof(inww), "%s", write_file("ww2/in.conf", "debug yes\n", 10, 0644));
	/* a link to a good file is fine */
	expect_trust(link_to("l-good", good), 0, NULL);
	/* the target is judged, and the message names the link */
	expect_trust(link_to("l-bad", weak), -EPERM,
		     "mode 0666 lets group or others write it, must not be "
		     "group/world-writable");
	snprintf(want, sizeof(want), "directory %s (mode 0777) is writable by "
		 "group or others", ww);
	expect_trust(link_to("l-inww", inww), -EPERM, want);
	/* a link in a directory others may write: they could re-point it */
	expect_trust(link_to("ww2/l-good", good), -EPERM, want);
	subdir("ww2", 0755);
	expect_trust(link_to("ww2/l-good", good), 0, NULL);
}

static void test_config_owner_trust(void **state)
{
	char p[PATH_MAX], d[PATH_MAX], want[2 * PATH_MAX];

	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	snprintf(p, sizeof(p), "%s", write_file("own.conf", "debug yes\n", 10, 0644));
	assert_int_equal(chown(p, 12345, 0), 0);
	expect_trust(p, -EPERM, "owned by uid 12345, must be owned by root");
	snprintf(d, sizeof(d), "%s", subdir("theirs", 0755));
	snprintf(p, sizeof(p), "%s", write_file("theirs/h.conf", "debug yes\n", 10, 0644));
	assert_int_equal(chown(d, 12345, 12345), 0);
	snprintf(want, sizeof(want), "directory %s is owned by uid 12345, must "
		 "be owned by root", d);
	expect_trust(p, -EPERM, want);
	assert_int_equal(chown(d, 0, 0), 0);
	expect_trust(p, 0, NULL);
}

/* Dump as a string (without its first comment line, which names the
 * source file). */
static char *dump_body(const struct hc_config *cfg)
{
	char *buf = NULL, *body;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	hc_config_dump(cfg, f);
	assert_int_equal(fclose(f), 0);
	assert_true(strncmp(buf, "# ", 2) == 0);
	body = strdup(strchr(buf, '\n') + 1);
	free(buf);
	assert_non_null(body);
	return body;
}

static void round_trip(const char *text)
{
	struct hc_config a, b;
	char err[512], *d1, *d2;

	assert_int_equal(load(text, &a, err, sizeof(err)), 0);
	d1 = dump_body(&a);
	assert_int_equal(load(d1, &b, err, sizeof(err)), 0);
	d2 = dump_body(&b);
	assert_string_equal(d1, d2);
	assert_int_equal(a.n_uri, b.n_uri);
	assert_int_equal(a.home_mode, b.home_mode);
	assert_int_equal(a.public_mode, b.public_mode);
	assert_int_equal(a.ssl, b.ssl);
	assert_int_equal(a.tls_reqcert, b.tls_reqcert);
	assert_int_equal(a.debug, b.debug);
	assert_int_equal(a.n_home_acl, b.n_home_acl);
	assert_true((a.skel == NULL) == (b.skel == NULL));
	assert_true((a.binddn == NULL) == (b.binddn == NULL));
	free(d1);
	free(d2);
	hc_config_free(&a);
	hc_config_free(&b);
}

static void test_dump_round_trip(void **state)
{
	struct hc_config cfg;
	char err[512], *d;

	(void)state;
	round_trip(full_text());
	round_trip("");
	round_trip("skel none\npublic_dir none\nssl off\ntls_reqcert never\n");
	/* every keyword appears in the dump, set or not */
	assert_int_equal(load("", &cfg, err, sizeof(err)), 0);
	d = dump_body(&cfg);
	assert_non_null(strstr(d, "# uri (not set)\n"));
	assert_non_null(strstr(d, "# binddn (not set)\n"));
	assert_non_null(strstr(d, "timeout 3\n"));
	assert_non_null(strstr(d, "home_mode 0750\n"));
	assert_non_null(strstr(d, "ssl start_tls\n"));
	assert_non_null(strstr(d, "tls_reqcert demand\n"));
	assert_non_null(strstr(d, "debug no\n"));
	assert_non_null(strstr(d, "# home_acl (not set)\n"));
	free(d);
	hc_config_free(&cfg);
}

/* ---- bindpw_file ---- */

static int load_pw(const char *pwpath, struct hc_config *cfg)
{
	char text[PATH_MAX + 32], err[512];

	snprintf(text, sizeof(text), "bindpw_file %s\n", pwpath);
	return load(text, cfg, err, sizeof(err));
}

/* Read the secret in file tmpdir/pw: written 0600 and loaded, then given
 * mode (the file changed after the config was read: the reader checks it
 * again); returns rc, err in err. */
static int read_pw(const char *content, size_t clen, mode_t mode, char *buf,
		   size_t len, char *err, size_t errlen)
{
	struct hc_config cfg;
	char path[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "%s", write_file("pw", content, clen, 0600));
	assert_int_equal(load_pw(path, &cfg), 0);
	assert_int_equal(chmod(path, mode), 0);
	r = hc_config_read_bindpw(&cfg, buf, len, err, errlen);
	hc_config_free(&cfg);
	return r;
}

static void test_bindpw_ok(void **state)
{
	char buf[64], err[512];

	(void)state;
	assert_int_equal(read_pw("s3cret\n", 7, 0600, buf, sizeof(buf), err,
				 sizeof(err)), 0);
	assert_string_equal(buf, "s3cret");
	assert_int_equal(read_pw("s3cret", 6, 0400, buf, sizeof(buf), err,
				 sizeof(err)), 0);
	assert_string_equal(buf, "s3cret");
	/* only one newline is stripped; spaces are kept */
	assert_int_equal(read_pw(" pw \n\n", 6, 0600, buf, sizeof(buf), err,
				 sizeof(err)), 0);
	assert_string_equal(buf, " pw \n");
	/* exactly fits: 7 bytes + NUL in 8, with or without the newline */
	assert_int_equal(read_pw("1234567\n", 8, 0600, buf, 8, err, sizeof(err)), 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(read_pw("1234567", 7, 0600, buf, 8, err, sizeof(err)), 0);
	assert_string_equal(buf, "1234567");
}

static void expect_pw_error(const char *content, size_t clen, mode_t mode,
			    size_t len, int rc, const char *what)
{
	char buf[64], err[512], want[PATH_MAX + 128];
	int r;

	memset(buf, 'Q', sizeof(buf));
	r = read_pw(content, clen, mode, buf, len, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/pw: %s", tmpdir, what);
	if (r != rc || strncmp(err, want, strlen(want)) != 0)
		print_message("# got %d '%s', want %d '%s'\n", r, err, rc, want);
	assert_int_equal(r, rc);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_int_equal(buf[0], '\0');
	/* the message never carries the secret */
	assert_null(strstr(err, "TOPSECRET"));
}

/* Refused by the reader even when the file went bad after the load. */
static void test_bindpw_refused(void **state)
{
	(void)state;
	expect_pw_error("TOPSECRET\n", 10, 0644, 64, -EPERM,
			"mode 0644 gives access to group or others");
	expect_pw_error("TOPSECRET\n", 10, 0640, 64, -EPERM,
			"mode 0640 gives access to group or others");
	expect_pw_error("TOPSECRET\n", 10, 0604, 64, -EPERM,
			"mode 0604 gives access to group or others");
	expect_pw_error("TOPSECRET\n", 10, 0610, 64, -EPERM,
			"mode 0610 gives access to group or others");
	expect_pw_error("", 0, 0600, 64, -EINVAL, "is empty");
	expect_pw_error("\n", 1, 0600, 64, -EINVAL, "is empty");
	expect_pw_error("12345678", 8, 0600, 8, -ENAMETOOLONG, "password too long");
	expect_pw_error("1234567\n\n", 9, 0600, 8, -ENAMETOOLONG,
			"password too long");
	expect_pw_error("TOPSECRET\0x\n", 12, 0600, 64, -EINVAL,
			"contains a NUL byte");
}

/* A config naming pwpath must fail to load with
 * "CONF:1: bindpw_file: PWPATH: what". */
static void expect_load_pw_error(const char *pwpath, int rc, const char *what)
{
	struct hc_config cfg;
	char text[PATH_MAX + 32], err[512], want[2 * PATH_MAX + 128];
	int r;

	snprintf(text, sizeof(text), "# secret\nbindpw_file %s\n", pwpath);
	memset(&cfg, 0x5a, sizeof(cfg));
	r = load(text, &cfg, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:2: bindpw_file: %s: %s", conf_path,
		 pwpath, what);
	if (r != rc || strcmp(err, want) != 0)
		print_message("# got %d '%s'\n# want %d '%s'\n", r, err, rc, want);
	assert_int_equal(r, rc);
	assert_string_equal(err, want);
	assert_null(cfg.host); /* nothing left to free */
}

/* issue 18: ownership and mode are a config error when the file is read */
static void test_bindpw_checked_at_load(void **state)
{
	static const mode_t bad_modes[] = {0644, 0640, 0604, 0610, 0601, 0660};
	char path[PATH_MAX], what[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		snprintf(path, sizeof(path), "%s",
			 write_file("pw", "TOPSECRET\n", 10, bad_modes[i]));
		snprintf(what, sizeof(what), "mode %04o gives access to group "
			 "or others, must be 0600 or stricter",
			 (unsigned)bad_modes[i]);
		expect_load_pw_error(path, -EINVAL, what);
	}
	snprintf(path, sizeof(path), "%s/no-such-pw", tmpdir);
	expect_load_pw_error(path, -EINVAL, "No such file or directory");
}

static void test_bindpw_owner(void **state)
{
	char path[PATH_MAX], buf[64], err[512], want[PATH_MAX + 64];
	struct hc_config cfg;

	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	snprintf(path, sizeof(path), "%s", write_file("pw", "TOPSECRET\n", 10, 0600));
	assert_int_equal(chown(path, 12345, 0), 0);
	expect_load_pw_error(path, -EINVAL,
			     "owned by uid 12345, must be owned by root");
	/* given away after the load: the reader refuses it too */
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(load_pw(path, &cfg), 0);
	assert_int_equal(chown(path, 12345, 0), 0);
	assert_int_equal(hc_config_read_bindpw(&cfg, buf, sizeof(buf), err,
					       sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: owned by uid 12345, must be owned by root",
		 path);
	assert_string_equal(err, want);
	hc_config_free(&cfg);
}

static void test_bindpw_not_regular(void **state)
{
	char good[PATH_MAX], link[PATH_MAX], buf[64], err[512], want[PATH_MAX + 64];
	struct hc_config cfg;

	(void)state;
	/* a symlink to a perfectly good secret file is refused */
	snprintf(good, sizeof(good), "%s", write_file("pw", "TOPSECRET\n", 10, 0600));
	snprintf(link, sizeof(link), "%s/pw-link", tmpdir);
	unlink(link);
	assert_int_equal(symlink(good, link), 0);
	expect_load_pw_error(link, -EINVAL, "is a symbolic link");
	/* ... also when swapped in after the load */
	unlink(link);
	assert_int_equal(rename(good, link), 0);
	assert_int_equal(load_pw(link, &cfg), 0);
	assert_int_equal(rename(link, good), 0);
	assert_int_equal(symlink(good, link), 0);
	assert_int_equal(hc_config_read_bindpw(&cfg, buf, sizeof(buf), err,
					       sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: is a symbolic link", link);
	assert_string_equal(err, want);
	hc_config_free(&cfg);
	/* a directory */
	assert_int_equal(chmod(tmpdir, 0700), 0);
	expect_load_pw_error(tmpdir, -EINVAL, "not a regular file");
	/* not configured at all */
	assert_int_equal(load("", &cfg, err, sizeof(err)), 0);
	assert_int_equal(hc_config_read_bindpw(&cfg, buf, sizeof(buf), err,
					       sizeof(err)), -ENOENT);
	assert_string_equal(err, "no bindpw_file configured");
	hc_config_free(&cfg);
}

/* Run fn in a child with uid/gid 65534; returns its exit status. */
static int as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(99);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int nobody_loads(void)
{
	struct hc_config cfg;
	char err[512];
	int r = hc_config_load(conf_path, &cfg, err, sizeof(err));

	if (r == 0)
		hc_config_free(&cfg);
	else
		fprintf(stderr, "# as nobody: %s\n", err);
	return r == 0 ? 0 : 1;
}

/* A user who may not look at the secret still loads the config (the check
 * is of what stat shows, not of reading the secret); a mode anyone can see
 * is wrong is refused for them too. */
static void test_bindpw_unprivileged(void **state)
{
	char dir[PATH_MAX - 8], path[PATH_MAX], text[PATH_MAX + 32], err[512];
	struct hc_config cfg;

	(void)state;
	if (geteuid() != 0)
		skip(); /* needs another user to switch to */
	assert_int_equal(chmod(tmpdir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/private", tmpdir);
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/pw", dir);
	snprintf(text, sizeof(text), "bindpw_file %s\n", path);
	unlink(path);
	assert_int_equal(load(text, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "No such file"));
	write_file("private/pw", "TOPSECRET\n", 10, 0600);
	assert_int_equal(load(text, &cfg, err, sizeof(err)), 0);
	hc_config_free(&cfg);
	assert_int_equal(as_nobody(nobody_loads), 0);
	/* root's view and nobody's: a world-readable secret is refused */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(as_nobody(nobody_loads), 1);
	assert_int_equal(chmod(tmpdir, 0700), 0);
}

/* The dump names the secret file but never its content. */
static void test_dump_hides_secret(void **state)
{
	struct hc_config cfg;
	char path[PATH_MAX], buf[64], err[512], *d;

	(void)state;
	snprintf(path, sizeof(path), "%s", write_file("pw", "TOPSECRET\n", 10, 0600));
	assert_int_equal(load_pw(path, &cfg), 0);
	assert_int_equal(hc_config_read_bindpw(&cfg, buf, sizeof(buf), err,
					       sizeof(err)), 0);
	d = dump_body(&cfg);
	assert_non_null(strstr(d, "bindpw_file "));
	assert_null(strstr(d, "TOPSECRET"));
	free(d);
	hc_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_keyword),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_uri_lists),
		cmocka_unit_test(test_keyword_case),
		cmocka_unit_test(test_base_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_long_component),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_config_file_trust),
		cmocka_unit_test(test_config_dir_trust),
		cmocka_unit_test(test_config_symlink_trust),
		cmocka_unit_test(test_config_owner_trust),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_bindpw_ok),
		cmocka_unit_test(test_bindpw_refused),
		cmocka_unit_test(test_bindpw_checked_at_load),
		cmocka_unit_test(test_bindpw_owner),
		cmocka_unit_test(test_bindpw_not_regular),
		cmocka_unit_test(test_bindpw_unprivileged),
		cmocka_unit_test(test_dump_hides_secret),
	};

	return cmocka_run_group_tests_name("config", tests, setup_dir,
					   teardown_dir);
}
