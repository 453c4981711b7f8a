# tests/sync: hs-cachedump, a reader of the cache through hc_cache_*;
# hs-hammer, lookups from 8 threads through glibc (t-cache-lease.sh).
HS_CACHEDUMP := $(BUILD)/tests/hs-cachedump

$(HS_CACHEDUMP): $(BUILD)/tests/sync/cachedump.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(HS_CACHEDUMP)

HS_HAMMER := $(BUILD)/tests/hs-hammer
$(HS_HAMMER): $(BUILD)/tests/sync/hammer.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -pthread -o $@ $^

TEST_BINS += $(HS_HAMMER)

# hs-buildertest: the cache builder's streaming API (find, read back,
# remove) and a full dump of a cache (t-builder.sh, t-once-stream.sh).
HS_BUILDERTEST := $(BUILD)/tests/hs-buildertest
$(HS_BUILDERTEST): $(BUILD)/tests/sync/buildertest.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(HS_BUILDERTEST)
