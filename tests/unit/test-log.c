/* Unit tests for common/log.c: safe before init, the stderr copy and its
 * format, the debug switch, errno kept for %m, no control bytes. stderr
 * is redirected to a temp file to read what was printed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char captured[4096];

/* Run fn with fd 2 sent to a temp file; leave what it wrote in captured. */
static void capture_stderr(void (*fn)(void))
{
	char path[] = "/tmp/hcoop-unit-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	fn();
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	n = pread(fd, captured, sizeof(captured) - 1, 0);
	close(fd);
	assert_true(n >= 0);
	captured[n] = '\0';
}

static void log_before_init(void)
{
	hc_log(LOG_INFO, "before init %d", 1);
	hc_debug("hidden %d", 2);
}

/* Before hc_log_init nothing goes to stderr and nothing crashes. */
static void test_before_init(void **state)
{
	(void)state;
	capture_stderr(log_before_init);
	assert_string_equal(captured, "");
}

static void log_some(void)
{
	hc_log_init("/usr/sbin/hcoop-test", false, true);
	hc_err("error %s", "one");
	hc_debug("not shown");
	hc_log_set_debug(true);
	hc_debug("shown %d", 3);
	hc_log_set_debug(false);
	hc_debug("not shown either");
	errno = ENOENT;
	hc_warn("open: %m");
	hc_info("line\nbreak\x1b[1m");
}

static void test_stderr_and_debug(void **state)
{
	(void)state;
	capture_stderr(log_some);
	assert_string_equal(captured,
			    "hcoop-test: error one\n"
			    "hcoop-test: shown 3\n"
			    "hcoop-test: open: No such file or directory\n"
			    "hcoop-test: line?break?[1m\n");
}

static int errno_after;

static void log_errno(void)
{
	errno = EACCES;
	hc_info("x");
	errno_after = errno;
}

static void test_errno_preserved(void **state)
{
	(void)state;
	capture_stderr(log_errno);
	assert_int_equal(errno_after, EACCES);
}

static void log_long(void)
{
	char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hc_log_init("x", true, true);
	hc_info("%s", big);
}

/* A message longer than the internal buffer is cut, not overflowed. */
static void test_long_message(void **state)
{
	(void)state;
	capture_stderr(log_long);
	assert_true(strlen(captured) > 100);
	assert_true(strlen(captured) < 2000);
}

int main(void)
{
	/* keep test messages out of the machine's log */
	hc_log_set_syslog(false);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_init),
		cmocka_unit_test(test_stderr_and_debug),
		cmocka_unit_test(test_errno_preserved),
		cmocka_unit_test(test_long_message),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
