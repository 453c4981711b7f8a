/* Unit tests for common/escape.c: RFC 4515 section 4 examples, every
 * special byte, exact output sizes and -ERANGE at every smaller size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

struct esc_case {
	const char *in, *out;
};

static const struct esc_case cases[] = {
	/* RFC 4515 section 4 */
	{"Parens R Us (for all your parenthetical needs)",
	 "Parens R Us \\28for all your parenthetical needs\\29"},
	{"*", "\\2a"},
	{"C:\\MyFile", "C:\\5cMyFile"},
	{"Lu\xc4\x8di\xc4\x87", "Lu\\c4\\8di\\c4\\87"},
	/* every special byte */
	{"(", "\\28"},
	{")", "\\29"},
	{"\\", "\\5c"},
	{"a*b", "a\\2ab"},
	{"alice)(uid=*", "alice\\29\\28uid=\\2a"},
	{"*)(|(objectClass=*", "\\2a\\29\\28|\\28objectClass=\\2a"},
	{"\x01", "\\01"},
	{"\x1f", "\\1f"},
	{"\n", "\\0a"},
	{"\x7f", "\\7f"},
	{"\x80", "\\80"},
	{"\xff", "\\ff"},
	{"\xab\xcd", "\\ab\\cd"}, /* lower-case hex */
	/* untouched */
	{"", ""},
	{"alice", "alice"},
	{"host1.hcoop.test", "host1.hcoop.test"},
	{"a b=c,d&|!~<>", "a b=c,d&|!~<>"},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void test_examples(void **state)
{
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		int r = hc_ldap_escape_filter(cases[i].in, out, sizeof(out));

		assert_int_equal(r, 0);
		assert_string_equal(out, cases[i].out);
	}
}

/* The exact size works; every size below gives -ERANGE and "". */
static void test_sizes(void **state)
{
	char out[256];
	size_t i, size;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		size_t need = strlen(cases[i].out) + 1;

		memset(out, 'X', sizeof(out));
		assert_int_equal(hc_ldap_escape_filter(cases[i].in, out, need), 0);
		assert_string_equal(out, cases[i].out);
		assert_true(need <= HC_ESCAPED_SIZE(strlen(cases[i].in)));
		for (size = 1; size < need; size++) {
			memset(out, 'X', sizeof(out));
			assert_int_equal(hc_ldap_escape_filter(cases[i].in, out, size),
					 -ERANGE);
			assert_string_equal(out, "");
			/* nothing written past the given size */
			assert_int_equal(out[size], 'X');
		}
		assert_int_equal(hc_ldap_escape_filter(cases[i].in, out, 0), -ERANGE);
	}
}

/* Every byte value 1..255 alone: escaped iff special, and the worst case
 * fits HC_ESCAPED_SIZE exactly. */
static void test_every_byte(void **state)
{
	char in[256], out[HC_ESCAPED_SIZE(255)], want[8];
	int c;

	(void)state;
	for (c = 1; c < 256; c++) {
		char one[2] = {(char)c, '\0'};
		int special = c < 0x20 || c >= 0x7f || strchr("*()\\", c);

		if (special)
			snprintf(want, sizeof(want), "\\%02x", c);
		else
			snprintf(want, sizeof(want), "%c", c);
		assert_int_equal(hc_ldap_escape_filter(one, out, sizeof(out)), 0);
		assert_string_equal(out, want);
	}
	memset(in, '*', 255);
	in[255] = '\0';
	assert_int_equal(hc_ldap_escape_filter(in, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 3 * 255);
	assert_int_equal(hc_ldap_escape_filter(in, out, sizeof(out) - 1), -ERANGE);
}

static void test_bad_args(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(hc_ldap_escape_filter("a", NULL, 8), -ERANGE);
	assert_int_equal(hc_ldap_escape_filter(NULL, out, sizeof(out)), -EINVAL);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
