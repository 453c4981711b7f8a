# tests/sync: hs-cachedump, a reader of the cache through hc_cache_*.
HS_CACHEDUMP := $(BUILD)/tests/hs-cachedump

$(HS_CACHEDUMP): $(BUILD)/tests/sync/cachedump.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(HS_CACHEDUMP)
