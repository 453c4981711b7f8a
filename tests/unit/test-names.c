/* Unit tests for common/names.c: the valid-name rule, host comparison and
 * passwd field check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "names.h"

static void test_valid_names(void **state)
{
	static const char *const good[] = {
		"a", "alice", "_apt", "www-data", "user0001", "a.b", "a_b",
		"host1$", "x-", "abcdefghijklmnopqrstuvwxyz012345", /* 32 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!hc_valid_name(good[i]))
			print_message("# refused: '%s'\n", good[i]);
		assert_true(hc_valid_name(good[i]));
		/* the NSS module hashes the length this measured */
		assert_int_equal(hc_valid_name_len(good[i]), strlen(good[i]));
	}
}

static void test_invalid_names(void **state)
{
	static const char *const bad[] = {
		"", "Alice", "ALICE", "aLice", "*", "a\\", "alice)(uid=*",
		"(uid=*)", "1alice", "-alice", ".alice", "$", "a$b", "a$$",
		"al ice", " alice", "alice ", "al:ice", "al/ice", "al\nice",
		"al\tice", "alicé", "abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
		"a*", "a,b", "a=b", "..", ".",
	};
	char big[1001];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hc_valid_name(bad[i]))
			print_message("# accepted: '%s'\n", bad[i]);
		assert_false(hc_valid_name(bad[i]));
		assert_int_equal(hc_valid_name_len(bad[i]), 0);
	}
	memset(big, 'a', 1000);
	big[1000] = '\0';
	assert_false(hc_valid_name(big));
	assert_int_equal(hc_valid_name_len(big), 0);
	assert_false(hc_valid_name(NULL));
	assert_int_equal(hc_valid_name_len(NULL), 0);
}

struct host_case {
	const char *a, *b;
	bool equal;
};

static void test_host_equal(void **state)
{
	static const struct host_case cases[] = {
		{"Host1.Example.", "host1.example", true},
		{"host1.example", "HOST1.EXAMPLE.", true},
		{"host1.example.", "host1.example.", true},
		{"host1", "host1", true},
		{"host1", "host2", false},
		{"host1.example", "host1", false},
		{"host1", "host1.example", false},
		{"host1..", "host1", false}, /* only one dot is ignored */
		{"host1.example", "host1.example.org", false},
		{"", "", false},
		{".", "", false},
		{".", ".", false},
		{"", "host1", false},
		{"host1", "", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (hc_host_equal(cases[i].a, cases[i].b) != cases[i].equal)
			print_message("# failing case: '%s' vs '%s'\n",
				      cases[i].a, cases[i].b);
		assert_int_equal(hc_host_equal(cases[i].a, cases[i].b),
				 cases[i].equal);
		assert_int_equal(hc_host_equal(cases[i].b, cases[i].a),
				 cases[i].equal);
	}
	assert_false(hc_host_equal(NULL, "host1"));
	assert_false(hc_host_equal("host1", NULL));
}

static void test_valid_field(void **state)
{
	(void)state;
	assert_true(hc_valid_field(""));
	assert_true(hc_valid_field("Alice Liddell,,,"));
	assert_true(hc_valid_field("/home/alice"));
	assert_true(hc_valid_field("Zoë"));
	assert_false(hc_valid_field("a:b"));
	assert_false(hc_valid_field("a\nb"));
	assert_false(hc_valid_field("a\rb"));
	assert_false(hc_valid_field("a\tb"));
	assert_false(hc_valid_field("a\x7f"));
	assert_false(hc_valid_field(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_invalid_names),
		cmocka_unit_test(test_host_equal),
		cmocka_unit_test(test_valid_field),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
