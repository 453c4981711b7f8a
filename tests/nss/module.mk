# tests/nss: the cache test tool, the dlopen harness, the thread stress
# (also a ThreadSanitizer build), and the benchmark driver.
MKCACHE := $(BUILD)/tests/hcoop-mkcache
MKCACHE_OBJS := $(BUILD)/tests/nss/mkcache.o $(BUILD)/common/cache_reader.o \
	$(BUILD)/common/cache_writer.o $(BUILD)/common/numparse.o

$(MKCACHE): $(MKCACHE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(MKCACHE)

NSS_DLOPEN := $(BUILD)/tests/nss-dlopen
$(NSS_DLOPEN): $(BUILD)/tests/nss/dlopen.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -ldl
TEST_BINS += $(NSS_DLOPEN)
