/* The one hash table's algorithm (see hidx.h), written once for every
 * width of item. Included only by hidx.c, once per width, after it
 * defines
 *   HIDX_T     the table's name: struct HIDX_T, and HIDX_T_find etc.
 *   HIDX_SLOT  its slot struct (an item member; 0 = empty)
 *   HIDX_ITEM  its item type
 *   HIDX_SLOT_HASH(x, p)      the hash of the item in occupied slot *p
 *                             of table *x
 *   HIDX_SLOT_SET(p, h, it)   store item it of hash h in slot *p
 * and room() (the highest load). No include guard, on purpose; the
 * macros are undefined at the end, ready for the next width. */
#define HIDX_CAT_(a, b) a##_##b
#define HIDX_CAT(a, b) HIDX_CAT_(a, b)
#define HIDX_FN(name) HIDX_CAT(HIDX_T, name)

HIDX_ITEM *HIDX_FN(find)(const struct HIDX_T *x, uint32_t hash,
			 HIDX_FN(eq) eq, const void *ctx, const void *key)
{
	uint32_t i;

	if (!x->s)
		return NULL;
	for (i = hash & x->mask; x->s[i].item; i = (i + 1) & x->mask)
		if (HIDX_SLOT_HASH(x, &x->s[i]) == hash &&
		    eq(ctx, x->s[i].item, key))
			return &x->s[i].item;
	return NULL;
}

static void HIDX_FN(place)(struct HIDX_SLOT *s, uint32_t mask, uint32_t hash,
			   HIDX_ITEM item)
{
	uint32_t i;

	for (i = hash & mask; s[i].item; i = (i + 1) & mask)
		;
	HIDX_SLOT_SET(&s[i], hash, item);
}

int HIDX_FN(reserve)(struct HIDX_T *x, uint32_t extra)
{
	uint64_t need = (uint64_t)x->n + extra, size;
	struct HIDX_SLOT *ns;

	if (x->s && room((uint64_t)x->mask + 1, need))
		return 0;
	for (size = x->s ? (uint64_t)x->mask + 1 : 64; !room(size, need);
	     size *= 2)
		;
	if (size > (1ULL << 31))
		return -ENOMEM;
	ns = calloc(size, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (uint64_t i = 0; x->s && i <= x->mask; i++)
		if (x->s[i].item)
			HIDX_FN(place)(ns, (uint32_t)size - 1,
				       HIDX_SLOT_HASH(x, &x->s[i]),
				       x->s[i].item);
	free(x->s);
	x->s = ns;
	x->mask = (uint32_t)size - 1;
	return 0;
}

int HIDX_FN(insert)(struct HIDX_T *x, uint32_t hash, HIDX_ITEM item)
{
	int r = HIDX_FN(reserve)(x, 1);

	if (r < 0)
		return r;
	HIDX_FN(place)(x->s, x->mask, hash, item);
	x->n++;
	return 0;
}

bool HIDX_FN(remove)(struct HIDX_T *x, uint32_t hash, HIDX_FN(eq) eq,
		     const void *ctx, const void *key)
{
	HIDX_ITEM *hit = HIDX_FN(find)(x, hash, eq, ctx, key);
	uint32_t i, j, k, mask = x->mask;

	if (!hit)
		return false;
	i = (uint32_t)((struct HIDX_SLOT *)(void *)((char *)hit -
		offsetof(struct HIDX_SLOT, item)) - x->s);
	x->s[i].item = 0;
	x->n--;
	/* backward shift: move later members of the probe run into the hole
	 * when their home slot does not lie cyclically in (i, j] */
	for (j = (i + 1) & mask; x->s[j].item; j = (j + 1) & mask) {
		k = HIDX_SLOT_HASH(x, &x->s[j]) & mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		x->s[i] = x->s[j];
		x->s[j].item = 0;
		i = j;
	}
	return true;
}

void HIDX_FN(free)(struct HIDX_T *x)
{
	free(x->s);
	x->s = NULL;
	x->mask = x->n = 0;
}

#undef HIDX_FN
#undef HIDX_CAT
#undef HIDX_CAT_
#undef HIDX_T
#undef HIDX_SLOT
#undef HIDX_ITEM
#undef HIDX_SLOT_HASH
#undef HIDX_SLOT_SET
