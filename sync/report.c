/* Warnings about entries, said once. A daemon re-reads every entry at each
 * reconnect and full refresh and rebuilds the view at every change; the
 * same "skipping ... because ..." at each of those would bury the one new
 * line an admin needs in the log. So each (what, DN, reason) is logged the
 * first time only; the reason carries the offending value, so a change
 * that alters it is logged again. The set holds 64-bit hashes (a
 * collision costs one unlogged line) and is emptied when full, after
 * which each warning still in force is logged once more. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sync.h"

#define SEEN_CAP 65536 /* slots; emptied at half full */

static uint64_t *seen;
static size_t n_seen;

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= 0xff; /* field separator: ("ab","c") != ("a","bc") */
	return h * 1099511628211ULL;
}

/* true the first time h is seen (or when the set cannot be allocated:
 * then everything is logged, as before) */
static bool first_time(uint64_t h)
{
	size_t i;

	if (!h)
		h = 1; /* 0 marks an empty slot */
	if (!seen && !(seen = calloc(SEEN_CAP, sizeof(*seen))))
		return true;
	if (n_seen >= SEEN_CAP / 2) {
		memset(seen, 0, SEEN_CAP * sizeof(*seen));
		n_seen = 0;
	}
	for (i = h & (SEEN_CAP - 1); seen[i]; i = (i + 1) & (SEEN_CAP - 1))
		if (seen[i] == h)
			return false;
	seen[i] = h;
	n_seen++;
	return true;
}

void hs_report(const char *what, const char *dn, const char *why)
{
	uint64_t h = fnv(fnv(fnv(14695981039346656037ULL, what), dn), why);

	if (first_time(h))
		hc_warn("%s %.300s: %s", what, dn, why);
}
