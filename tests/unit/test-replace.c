/* Unit tests for common/cache_replace.c, the cache writer's one
 * replacement path, with each kind of input: a rendered buffer; a render
 * callback into the temp file's shared mapping (finished pages handed
 * back, every byte in the file); the buffered fallback when the mapping
 * fails or the filesystem has no fallocate; a reservation that fails
 * (ENOSPC: nothing rendered, nothing left, the old file intact); a render
 * that fails. mmap and posix_fallocate are wrapped at link time
 * (-Wl,--wrap): the product has no switch for the fallback, so the test
 * makes the system refuse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_builder.h"

/* ---- the wrapped system calls ---- */

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
int __real_posix_fallocate(int fd, off_t off, off_t len);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
int __wrap_posix_fallocate(int fd, off_t off, off_t len);

static bool fail_shared_mmap; /* MAP_SHARED mappings fail (ENODEV) */
static int fallocate_error;   /* posix_fallocate returns this, if not 0 */
static int fallocate_calls;

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	if (fail_shared_mmap && (flags & MAP_SHARED)) {
		errno = ENODEV;
		return MAP_FAILED;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_posix_fallocate(int fd, off_t off, off_t len)
{
	fallocate_calls++;
	if (fallocate_error)
		return fallocate_error;
	return __real_posix_fallocate(fd, off, len);
}

/* ---- fixture ---- */

struct fx {
	char dir[64], path[96];
};

#define OLD "the old file"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	FILE *o;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hc-replace.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/cache", f->dir);
	o = fopen(f->path, "w");
	assert_non_null(o);
	fputs(OLD, o);
	assert_int_equal(fclose(o), 0);
	fail_shared_mmap = false;
	fallocate_error = fallocate_calls = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct dirent *e;
	DIR *d = opendir(f->dir);
	char p[512];

	while (d && (e = readdir(d)) != NULL) {
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		if (e->d_name[0] != '.')
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Files in the directory besides the cache (temp files left). */
static int others(const struct fx *f)
{
	struct dirent *e;
	DIR *d = opendir(f->dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "cache") != 0)
			n++;
	closedir(d);
	return n;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*n = (size_t)st.st_size;
	p = malloc(*n + 1);
	assert_non_null(p);
	assert_int_equal(pread(fd, p, *n, 0), (ssize_t)*n);
	close(fd);
	return p;
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7 + 1 + i / 4096);
}

static void assert_pattern_file(const struct fx *f, size_t n)
{
	size_t got, i;
	uint8_t *p = slurp(f->path, &got);
	struct stat st;

	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		if (p[i] != pattern(i))
			fail_msg("byte %zu: %u, expected %u", i, p[i], pattern(i));
	free(p);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(others(f), 0);
}

static void assert_old_intact(const struct fx *f)
{
	size_t n;
	uint8_t *p = slurp(f->path, &n);

	assert_int_equal(n, strlen(OLD));
	assert_memory_equal(p, OLD, n);
	free(p);
	assert_int_equal(others(f), 0);
}

/* kB of the mapping at p resident in this process (/proc/self/smaps). */
static long mapping_rss_kb(const void *p)
{
	char line[256], start[32];
	FILE *s = fopen("/proc/self/smaps", "r");
	bool in = false;
	long kb = -1;

	assert_non_null(s);
	snprintf(start, sizeof(start), "%lx-", (unsigned long)(uintptr_t)p);
	while (fgets(line, sizeof(line), s)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = strncmp(line, start, strlen(start)) == 0;
		else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	fclose(s);
	return kb;
}

/* ---- the render callback ---- */

struct rx {
	int calls;
	bool mapped;
	long rss_kb;  /* of the mapping at the end, after the hand-backs */
	int result;   /* returned (after writing) */
};

static int render(void *ctx, struct hcb_out *o)
{
	struct rx *x = ctx;
	size_t i;

	x->calls++;
	x->mapped = o->mapped;
	for (i = 0; i < o->n; i++)
		if (o->p[i] != 0)
			fail_msg("byte %zu of the output not zeroed", i);
	/* in order, handing back as it goes, like the renderer */
	for (i = 0; i < o->n; i++) {
		o->p[i] = pattern(i);
		if (i % 4096 == 4095)
			hcb_out_done(o, i + 1, false);
	}
	hcb_out_done(o, o->n, true);
	if (o->mapped)
		x->rss_kb = mapping_rss_kb(o->p);
	/* a byte written again after its page was handed back (as the
	 * header is, last) still reaches the file */
	o->p[1] = 0;
	o->p[1] = pattern(1);
	return x->result;
}

#define BIG ((size_t)3 << 20 | 123) /* 3 MiB and a partial page */

/* ---- tests ---- */

static void test_buffer(void **state)
{
	struct fx *f = *state;
	uint8_t *buf = malloc(BIG);
	struct hcb_content c = { .buf = buf, .n = BIG };
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < BIG; i++)
		buf[i] = pattern(i);
	assert_int_equal(hcb_replace_file(f->path, &c, -1), 0);
	free(buf);
	assert_pattern_file(f, BIG);
	assert_int_equal(fallocate_calls, 0);
}

static void test_render_mapped(void **state)
{
	struct fx *f = *state;
	struct rx x = { 0 };
	struct hcb_content c = { .n = BIG, .render = render, .ctx = &x };

	assert_int_equal(hcb_replace_file(f->path, &c, -1), 0);
	assert_int_equal(x.calls, 1);
	assert_true(x.mapped);
	assert_int_equal(fallocate_calls, 1);
	/* handed back: at most the partial last page and the one refaulted
	 * stay of the 3 MiB written */
	assert_true(x.rss_kb >= 0);
	if (x.rss_kb > 64)
		fail_msg("%ld kB of the mapping still resident", x.rss_kb);
	assert_pattern_file(f, BIG);
}

static void test_render_mmap_fails(void **state)
{
	struct fx *f = *state;
	struct rx x = { 0 };
	struct hcb_content c = { .n = BIG, .render = render, .ctx = &x };

	fail_shared_mmap = true;
	assert_int_equal(hcb_replace_file(f->path, &c, -1), 0);
	assert_int_equal(x.calls, 1);
	assert_false(x.mapped);
	assert_pattern_file(f, BIG);
}

static void test_no_fallocate(void **state)
{
	struct fx *f = *state;
	struct rx x = { 0 };
	struct hcb_content c = { .n = BIG, .render = render, .ctx = &x };

	fallocate_error = EOPNOTSUPP;
	assert_int_equal(hcb_replace_file(f->path, &c, -1), 0);
	assert_int_equal(x.calls, 1);
	assert_false(x.mapped);
	assert_pattern_file(f, BIG);
}

static void test_no_space(void **state)
{
	struct fx *f = *state;
	struct rx x = { 0 };
	struct hcb_content c = { .n = BIG, .render = render, .ctx = &x };

	fallocate_error = ENOSPC;
	assert_int_equal(hcb_replace_file(f->path, &c, -1), -ENOSPC);
	assert_int_equal(x.calls, 0); /* nothing rendered, nothing mapped */
	assert_old_intact(f);
}

static void test_render_fails(void **state)
{
	struct fx *f = *state;
	struct rx x = { .result = -EIO };
	struct hcb_content c = { .n = BIG, .render = render, .ctx = &x };

	assert_int_equal(hcb_replace_file(f->path, &c, -1), -EIO);
	assert_old_intact(f);
	fail_shared_mmap = true; /* the buffered path too */
	x.calls = 0;
	assert_int_equal(hcb_replace_file(f->path, &c, -1), -EIO);
	assert_int_equal(x.calls, 1);
	assert_old_intact(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_mmap_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fallocate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_fails, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
