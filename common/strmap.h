/* A map from strings (copied) to indexes, over the one hash table
 * (hidx.h): hcoop-sync's de-duplication sets and the local account files
 * (localdb.c). No deletion: every map is built and dropped whole. */
#ifndef HCOOP_STRMAP_H
#define HCOOP_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "hidx.h"

struct hc_strent {
	char *key;
	size_t val;
};

struct hc_strmap {
	struct hc_hidx ix; /* items: index in v + 1 */
	struct hc_strent *v;
	size_t n, cap;
};
/* The one string hash (FNV-1a). */
size_t hc_hash_str(const char *s);
int hc_strmap_put(struct hc_strmap *m, const char *key, size_t val);
bool hc_strmap_get(const struct hc_strmap *m, const char *key, size_t *val);
void hc_strmap_free(struct hc_strmap *m);

#endif
