/* Unit tests for common/numparse.c: tables of accepted and refused input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "numparse.h"

struct u32_case {
	const char *s;
	uint32_t min, max;
	int rc;
	uint32_t want;
};

static void test_u32(void **state)
{
	static const struct u32_case cases[] = {
		{"0", 0, 10, 0, 0},
		{"7", 0, 10, 0, 7},
		{"10", 0, 10, 0, 10},
		{"007", 0, 10, 0, 7}, /* leading zeros are still decimal */
		{"4294967295", 0, UINT32_MAX, 0, UINT32_MAX},
		{"11", 0, 10, -ERANGE, 0},
		{"0", 1, 10, -ERANGE, 0},
		{"4294967296", 0, UINT32_MAX, -ERANGE, 0},
		{"99999999999999999999999", 0, UINT32_MAX, -ERANGE, 0},
		{"", 0, 10, -EINVAL, 0},
		{"+1", 0, 10, -EINVAL, 0},
		{"-0", 0, 10, -EINVAL, 0},
		{"-1", 0, UINT32_MAX, -EINVAL, 0},
		{" 1", 0, 10, -EINVAL, 0},
		{"1 ", 0, 10, -EINVAL, 0},
		{"\t1", 0, 10, -EINVAL, 0},
		{"1\n", 0, 10, -EINVAL, 0},
		{"0x10", 0, 100, -EINVAL, 0},
		{"1e3", 0, 10000, -EINVAL, 0},
		{"1.0", 0, 10, -EINVAL, 0},
		{"abc", 0, 10, -EINVAL, 0},
		{"١", 0, 10, -EINVAL, 0}, /* Arabic-Indic digit one */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 12345;
		int r = hc_parse_u32(cases[i].s, cases[i].min, cases[i].max, &v);

		if (r != cases[i].rc)
			print_message("# failing case: u32 '%s'\n", cases[i].s);
		assert_int_equal(r, cases[i].rc);
		assert_int_equal(v, r == 0 ? cases[i].want : 12345u);
	}
	assert_int_equal(hc_parse_u32(NULL, 0, 1, &(uint32_t){0}), -EINVAL);
}

static void test_u64(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hc_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(hc_parse_u64("18446744073709551616", 0, UINT64_MAX, &v),
			 -ERANGE);
	assert_int_equal(hc_parse_u64("-1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(hc_parse_u64("+1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(hc_parse_u64("", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(hc_parse_u64("5", 6, 7, &v), -ERANGE);
	assert_int_equal(hc_parse_u64("6", 6, 7, &v), 0);
	assert_true(v == 6);
}

struct i64_case {
	const char *s;
	int rc;
	int64_t want;
};

static void test_i64(void **state)
{
	static const struct i64_case cases[] = {
		{"0", 0, 0},
		{"-0", 0, 0},
		{"-1", 0, -1},
		{"42", 0, 42},
		{"9223372036854775807", 0, INT64_MAX},
		{"-9223372036854775808", 0, INT64_MIN},
		{"9223372036854775808", -ERANGE, 0},
		{"-9223372036854775809", -ERANGE, 0},
		{"", -EINVAL, 0},
		{"-", -EINVAL, 0},
		{"--1", -EINVAL, 0},
		{"+1", -EINVAL, 0},
		{"- 1", -EINVAL, 0},
		{" -1", -EINVAL, 0},
		{"-1 ", -EINVAL, 0},
		{"0x10", -EINVAL, 0},
		{"-0x10", -EINVAL, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 777;
		int r = hc_parse_i64(cases[i].s, INT64_MIN, INT64_MAX, &v);

		if (r != cases[i].rc)
			print_message("# failing case: i64 '%s'\n", cases[i].s);
		assert_int_equal(r, cases[i].rc);
		assert_true(v == (r == 0 ? cases[i].want : 777));
	}
	{
		int64_t v;

		assert_int_equal(hc_parse_i64("-5", -4, 4, &v), -ERANGE);
		assert_int_equal(hc_parse_i64("5", -4, 4, &v), -ERANGE);
		assert_int_equal(hc_parse_i64("-4", -4, 4, &v), 0);
		assert_true(v == -4);
	}
}

struct mode_case {
	const char *s;
	int rc;
	uint32_t want;
};

static void test_mode(void **state)
{
	static const struct mode_case cases[] = {
		{"0750", 0, 0750},
		{"750", 0, 0750},
		{"0", 0, 0},
		{"7777", 0, 07777},
		{"07777", 0, 07777},
		{"0000000755", 0, 0755},
		{"10000", -ERANGE, 0},
		{"77777777777777777777777", -ERANGE, 0},
		{"0758", -EINVAL, 0},
		{"0790", -EINVAL, 0},
		{"", -EINVAL, 0},
		{"-750", -EINVAL, 0},
		{"+750", -EINVAL, 0},
		{" 750", -EINVAL, 0},
		{"750 ", -EINVAL, 0},
		{"0o750", -EINVAL, 0},
		{"u+rwx", -EINVAL, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 01234;
		int r = hc_parse_mode(cases[i].s, &v);

		if (r != cases[i].rc)
			print_message("# failing case: mode '%s'\n", cases[i].s);
		assert_int_equal(r, cases[i].rc);
		assert_int_equal(v, r == 0 ? cases[i].want : 01234u);
	}
	assert_int_equal(hc_parse_mode(NULL, &(uint32_t){0}), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_mode),
	};

	return cmocka_run_group_tests_name("numparse", tests, NULL, NULL);
}
