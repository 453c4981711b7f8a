/* Unit tests for routes/dnsname.c: the DNS label and host-name rules
 * hcoop-routes applies before writing anything, and canonical host names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "routes.h"

static char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_labels(void **state)
{
	static const char *const good[] = {"a", "alice", "user0001", "a-b",
					   "0a", "x1-2-3"};
	static const char *const bad[] = {"", "Alice", "aLICE", "a_b", "a.b",
					  "a..b", "-a", "a-", "a b", "é", ".",
					  "a\n"};
	char b[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(rt_valid_label(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rt_valid_label(bad[i]))
			print_message("# accepted: '%s'\n", bad[i]);
		assert_false(rt_valid_label(bad[i]));
	}
	assert_true(rt_valid_label(repeat(b, 'a', 63)));
	assert_false(rt_valid_label(repeat(b, 'a', 64)));
	assert_false(rt_valid_label(NULL));
}

static void test_hostnames(void **state)
{
	static const char *const good[] = {"host1", "host1.coop.test",
					   "host1.coop.test.", "HOST1.Coop.Test",
					   "1.2.3.example", "a-b.c-d"};
	static const char *const bad[] = {"", ".", "..", "a..b", ".a", "a.b..",
					  "-a.b", "a-.b", "a_b.c", "a b.c",
					  "a.b. IN A 1.2.3.4", "a]", "a:25",
					  "[a]", "a/b"};
	char b[300], l[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(rt_valid_hostname(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rt_valid_hostname(bad[i]))
			print_message("# accepted: '%s'\n", bad[i]);
		assert_false(rt_valid_hostname(bad[i]));
	}
	snprintf(b, sizeof(b), "%s.test", repeat(l, 'x', 63));
	assert_true(rt_valid_hostname(b));
	snprintf(b, sizeof(b), "%s.test", repeat(l, 'x', 64));
	assert_false(rt_valid_hostname(b));
	/* 253 bytes in all is the limit (one trailing dot not counted) */
	memset(b, 'a', 253);
	for (i = 50; i < 253; i += 51)
		b[i] = '.';
	b[253] = '\0';
	assert_true(rt_valid_hostname(b));
	b[253] = '.';
	b[254] = '\0';
	assert_true(rt_valid_hostname(b));
	b[253] = 'a';
	assert_false(rt_valid_hostname(b)); /* 254 */
	assert_false(rt_valid_hostname(NULL));
}

static void test_canon(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(rt_host_canon("Host1.Coop.", out, sizeof(out)), 0);
	assert_string_equal(out, "host1.coop");
	assert_int_equal(rt_host_canon("h", out, sizeof(out)), 0);
	assert_string_equal(out, "h");
	assert_int_equal(rt_host_canon("abcdefghijklmnop", out, sizeof(out)),
			 -ENAMETOOLONG);
	assert_int_equal(rt_host_canon("abcdefghijklmno.", out, sizeof(out)), 0);
	assert_string_equal(out, "abcdefghijklmno");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_hostnames),
		cmocka_unit_test(test_canon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
