/* The delta path's shared state (sync/delta.c writes the delta,
 * sync/delta_groups.c works out the group lists it carries). Private to
 * those two files. */
#ifndef HCOOP_SYNC_DELTA_H
#define HCOOP_SYNC_DELTA_H

#include "cache.h"
#include "sync.h"

struct dctx {
	const struct hc_config *cfg;
	struct hs_follow *f;
	struct hs_changes *ch;
	bool merge; /* a new main file, not a delta (the cap reached) */
	bool idle;  /* the merge of hs_merge_delta: the delta alone */
	struct hc_local local;
	struct hc_cache *c;
	struct hc_cache_info info;
	uint32_t main_users, main_groups; /* main-file positions */
	struct hc_cache_builder *b;
	/* not carried over: records of the previous delta, or in a merge
	 * every position (main and delta) */
	bool *drop_u, *drop_g;
	struct hc_strmap touch;  /* user names whose record is rewritten */
	struct hc_strmap newkeys; /* names and ids of the batch's new versions */
	struct hc_strmap *newmem; /* per change: members of the new group */
	size_t entries;          /* what the new delta holds and supersedes */
	const char **fresh;      /* users newly assigned here */
	size_t n_fresh;
};

/* delta_groups.c: mark the members change k's group gained or lost (all
 * of them when its gid changed or it came or went) for a new record. */
int hs_delta_touch_members(struct dctx *d, size_t k);
/* delta_groups.c: give user name (added to the builder) its group list
 * after the batch; HS_DELTA_FULL when it cannot be known here. */
int hs_delta_set_groups(struct dctx *d, const char *name);

#endif
