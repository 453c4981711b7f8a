/* A small open-addressing hash map from strings to indexes (keys copied):
 * linear probing, load factor kept under 1/2, no deletion (every map is
 * built and dropped whole). The one string hash table of the project: hcoop-sync's
 * model and de-duplication sets, the local account files (localdb.c). */
#ifndef HCOOP_STRMAP_H
#define HCOOP_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct hc_strmap {
	char **keys;
	size_t *vals;
	size_t cap, n;
};
/* The one string hash (FNV-1a). */
size_t hc_hash_str(const char *s);
int hc_strmap_put(struct hc_strmap *m, const char *key, size_t val);
bool hc_strmap_get(const struct hc_strmap *m, const char *key, size_t *val);
void hc_strmap_free(struct hc_strmap *m);

#endif
