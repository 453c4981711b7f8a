/* hcoop-sync's ledger (sync/ledger.c): what the daemon remembers of every
 * entry instead of a model. Loading (the refresh: appended, spooled in an
 * unlinked file, "delivered already?" by a Bloom filter and a scan), in
 * memory when no file can be made, then indexed: found by key and by id,
 * updated, unserved, deleted and reused; parked for a merge and indexed
 * again. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sync/sync.h"

/* The entryUUID text of entry i. */
static const char *uuid(uint32_t i)
{
	static char buf[40];

	snprintf(buf, sizeof(buf), "%08x-0000-1000-8000-%012x", i * 2654435761u,
		 i);
	return buf;
}

static char tmpdir[] = "/tmp/test-ledger.XXXXXX";
static char cache[sizeof(tmpdir) + 16];

static void load_n(struct hs_ledger *l, const char *path, uint32_t n)
{
	uint32_t i;

	assert_int_equal(hs_ledger_load(l, path, 1000), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(hs_ledger_put(l, i % 3 ? HS_USER : HS_GROUP,
					       uuid(i), 10000 + i, i % 7 != 0),
				 0);
}

/* While loading: every entry put is known (exact), others are not, even
 * far past the filter's expected size (its "maybe" goes to the scan). */
static void check_loading(struct hs_ledger *l, uint32_t n)
{
	uint32_t i;

	assert_true(l->loading);
	for (i = 0; i < n; i += 97)
		assert_true(hs_ledger_known(l, i % 3 ? HS_USER : HS_GROUP, uuid(i)));
	for (i = n; i < n + 20000; i++)
		assert_false(hs_ledger_known(l, HS_USER, uuid(i)));
	/* the same uuid under the other kind is another entry */
	assert_false(hs_ledger_known(l, HS_USER, uuid(0)));
	assert_true(hs_ledger_known(l, HS_GROUP, uuid(0)));
	/* nothing is found by key or id until indexed */
	assert_int_equal(hs_ledger_find(l, HS_USER, uuid(1), NULL), -ENOENT);
}

static void check_indexed(struct hs_ledger *l, uint32_t n)
{
	char key[HS_KEY_MAX], want[HS_KEY_MAX];
	struct hs_lrec r;
	uint32_t i;

	assert_false(l->loading);
	for (i = 0; i < n; i++) {
		enum hs_kind k = i % 3 ? HS_USER : HS_GROUP;

		assert_int_equal(hs_ledger_find(l, k, uuid(i), &r), 0);
		assert_int_equal(r.id, 10000 + i);
		assert_int_equal(!!(r.flags & HS_LEDGER_SERVED), i % 7 != 0);
		if (i % 7 == 0) {
			assert_int_equal(hs_ledger_key_of(l, k, 10000 + i, key,
							  sizeof(key)),
					 -ENOENT);
			continue;
		}
		assert_int_equal(hs_ledger_key_of(l, k, 10000 + i, key,
						  sizeof(key)), 0);
		assert_int_equal(hs_entry_key(k, uuid(i), want, sizeof(want)), 0);
		assert_string_equal(key, want);
	}
	assert_true(hs_ledger_known(l, HS_USER, uuid(1)));
	assert_false(hs_ledger_known(l, HS_USER, uuid(n + 1)));
}

static void spooled(void **state)
{
	struct hs_ledger l;
	const uint32_t n = 50000; /* past the first spool mapping */

	(void)state;
	hs_ledger_init(&l);
	load_n(&l, cache, n);
	assert_true(l.fd >= 0); /* the directory takes an O_TMPFILE */
	check_loading(&l, n);
	assert_int_equal(hs_ledger_index(&l), 0);
	assert_int_equal(l.fd, -1);
	check_indexed(&l, n);
	hs_ledger_free(&l);
}

static void in_memory(void **state)
{
	struct hs_ledger l;
	const uint32_t n = 30000;

	(void)state;
	hs_ledger_init(&l);
	load_n(&l, "/nonexistent-dir/cache", n);
	assert_int_equal(l.fd, -1); /* no file: the records stay in memory */
	check_loading(&l, n);
	assert_int_equal(hs_ledger_index(&l), 0);
	check_indexed(&l, n);
	hs_ledger_free(&l);
}

/* A contested entry taken back out during the refresh: served no more,
 * and so not found by its id once indexed. */
static void unserve_while_loading(void **state)
{
	struct hs_ledger l;
	struct hs_lrec r;
	char key[HS_KEY_MAX];

	(void)state;
	hs_ledger_init(&l);
	load_n(&l, cache, 20000);
	assert_true(hs_ledger_unserve_id(&l, HS_USER, 10000 + 19997));
	assert_false(hs_ledger_unserve_id(&l, HS_USER, 10000 + 19997));
	assert_false(hs_ledger_unserve_id(&l, HS_GROUP, 10000 + 1)); /* a user's */
	assert_int_equal(hs_ledger_index(&l), 0);
	assert_int_equal(hs_ledger_find(&l, HS_USER, uuid(19997), &r), 0);
	assert_false(r.flags & HS_LEDGER_SERVED);
	assert_int_equal(hs_ledger_key_of(&l, HS_USER, 10000 + 19997, key,
					  sizeof(key)), -ENOENT);
	hs_ledger_free(&l);
}

/* After the refresh: changes put, id moved, deleted, items reused. */
static void follow_changes(void **state)
{
	struct hs_ledger l;
	struct hs_lrec r;
	char key[HS_KEY_MAX];
	uint32_t n;

	(void)state;
	hs_ledger_init(&l);
	load_n(&l, cache, 1000);
	assert_int_equal(hs_ledger_index(&l), 0);
	n = l.n;
	/* a user's uid changes: found by the new id, not the old one */
	assert_int_equal(hs_ledger_put(&l, HS_USER, uuid(1), 77777, true), 0);
	assert_int_equal(hs_ledger_key_of(&l, HS_USER, 10001, key, sizeof(key)),
			 -ENOENT);
	assert_int_equal(hs_ledger_key_of(&l, HS_USER, 77777, key, sizeof(key)), 0);
	assert_int_equal(l.n, n);
	/* deleted: gone by key and id; the next new entry reuses its item */
	assert_true(hs_ledger_del(&l, HS_USER, uuid(1)));
	assert_false(hs_ledger_del(&l, HS_USER, uuid(1)));
	assert_int_equal(hs_ledger_find(&l, HS_USER, uuid(1), NULL), -ENOENT);
	assert_int_equal(hs_ledger_key_of(&l, HS_USER, 77777, key, sizeof(key)),
			 -ENOENT);
	assert_int_equal(hs_ledger_put(&l, HS_USER, uuid(5000), 5000, true), 0);
	assert_int_equal(l.n, n);
	assert_int_equal(l.live, n);
	assert_int_equal(hs_ledger_find(&l, HS_USER, uuid(5000), &r), 0);
	assert_int_equal(r.id, 5000);
	/* not an entryUUID: refused, nothing changed */
	assert_int_equal(hs_ledger_put(&l, HS_USER, "not-a-uuid", 1, true), -EINVAL);
	assert_int_equal(hs_ledger_put(&l, HS_USER, "0123456789abcdef0123456789abcdef00", 1, true), -EINVAL);
	assert_int_equal(l.live, n);
	hs_ledger_free(&l);
}

/* Parked in a file for a merged write, with a deleted item on the free
 * list: known by scan meanwhile, then indexed again as it was. */
static void parked(void **state)
{
	struct hs_ledger l;
	uint32_t n;

	(void)state;
	hs_ledger_init(&l);
	load_n(&l, cache, 30000);
	assert_int_equal(hs_ledger_index(&l), 0);
	assert_true(hs_ledger_del(&l, HS_USER, uuid(2)));
	n = l.n;
	assert_int_equal(hs_ledger_park(&l, cache), 0);
	assert_true(l.loading);
	assert_true(l.fd >= 0);
	assert_true(hs_ledger_known(&l, HS_USER, uuid(29999)));
	assert_false(hs_ledger_known(&l, HS_USER, uuid(2)));
	assert_int_equal(hs_ledger_index(&l), 0);
	assert_int_equal(l.fd, -1);
	assert_int_equal(hs_ledger_find(&l, HS_USER, uuid(2), NULL), -ENOENT);
	assert_int_equal(hs_ledger_find(&l, HS_USER, uuid(4), NULL), 0);
	/* the deleted item is reused, not a new one */
	assert_int_equal(hs_ledger_put(&l, HS_USER, uuid(40000), 1, true), 0);
	assert_int_equal(l.n, n);
	assert_int_equal(hs_ledger_find(&l, HS_USER, uuid(40000), NULL), 0);
	hs_ledger_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spooled),
		cmocka_unit_test(in_memory),
		cmocka_unit_test(unserve_while_loading),
		cmocka_unit_test(follow_changes),
		cmocka_unit_test(parked),
	};
	int r;

	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(cache, sizeof(cache), "%s/cache", tmpdir);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return r;
}
