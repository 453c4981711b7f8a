# tests/nss: the cache test tool, the dlopen harness, the thread stress
# (also a ThreadSanitizer build), and the benchmark driver.
MKCACHE := $(BUILD)/tests/hcoop-mkcache
MKCACHE_OBJS := $(BUILD)/tests/nss/mkcache.o $(BUILD)/common/cache_reader.o \
	$(BUILD)/common/cache_builder.o $(BUILD)/common/cache_render.o $(BUILD)/common/cache_replace.o $(BUILD)/common/cache_folios.o $(BUILD)/common/fileio.o $(BUILD)/common/hidx.o $(BUILD)/common/numparse.o

$(MKCACHE): $(MKCACHE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(MKCACHE)

NSS_DLOPEN := $(BUILD)/tests/nss-dlopen
$(NSS_DLOPEN): $(BUILD)/tests/nss/dlopen.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -ldl
TEST_BINS += $(NSS_DLOPEN)

# The thread stress: the module's objects linked in, plus a separate
# ThreadSanitizer build (clang) of the same sources.
NSS_STRESS := $(BUILD)/tests/nss-stress
$(NSS_STRESS): $(BUILD)/tests/nss/stress.o $(NSS_OBJS) $(BUILD)/common/cache_reader.o \
		$(BUILD)/common/cache_builder.o $(BUILD)/common/cache_render.o $(BUILD)/common/cache_replace.o $(BUILD)/common/cache_folios.o $(BUILD)/common/fileio.o $(BUILD)/common/hidx.o $(BUILD)/common/names.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -pthread -o $@ $^

# The handle's lifetime and fork safety (tests/nss/t-lifetime.sh), linked
# like the stress.
NSS_LIFETIME := $(BUILD)/tests/nss-lifetime
$(NSS_LIFETIME): $(BUILD)/tests/nss/lifetime.o $(NSS_OBJS) $(BUILD)/common/cache_reader.o \
		$(BUILD)/common/cache_builder.o $(BUILD)/common/cache_render.o $(BUILD)/common/cache_replace.o $(BUILD)/common/cache_folios.o $(BUILD)/common/fileio.o $(BUILD)/common/hidx.o $(BUILD)/common/names.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -pthread -o $@ $^
TEST_BINS += $(NSS_LIFETIME)

# The hang detector for damaged caches (tests/nss/t-corrupt.sh).
NSS_TIMING := $(BUILD)/tests/nss-timing
$(NSS_TIMING): $(BUILD)/tests/nss/timing.o $(NSS_OBJS) $(BUILD)/common/cache_reader.o \
		$(BUILD)/common/names.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -pthread -o $@ $^
TEST_BINS += $(NSS_TIMING)

TSAN_CC ?= clang
NSS_STRESS_TSAN := $(BUILD)/tests/nss-stress-tsan
$(NSS_STRESS_TSAN): tests/nss/stress.c $(NSS_SRCS) common/cache_reader.c \
		common/cache_builder.c common/cache_render.c common/cache_replace.c common/cache_folios.c common/fileio.c common/hidx.c common/names.c common/cache.h \
		common/cache_format.h common/hidx.h common/cache_builder.h \
		nss_hcoop/nss_hcoop.h
	@mkdir -p $(dir $@)
	$(TSAN_CC) -std=c11 -D_GNU_SOURCE -g -O1 -Icommon -Wall -Wextra -Werror \
		-fsanitize=thread -pthread -o $@ $(filter %.c,$^)
TEST_BINS += $(NSS_STRESS) $(NSS_STRESS_TSAN)

# nss-perf: a measuring tool (not a test): the module's own ns per lookup,
# called directly. Run it through tests/nss/perf.sh.
NSS_PERF := $(BUILD)/tests/nss-perf
$(NSS_PERF): $(BUILD)/tests/nss/perf.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -ldl
TEST_BINS += $(NSS_PERF)

# hcoop-cachebench: a measuring tool (not a test): the cache writer's own
# fill and write time, apart from spec parsing.
CACHEBENCH := $(BUILD)/tests/hcoop-cachebench
$(CACHEBENCH): $(BUILD)/tests/nss/cachebench.o $(BUILD)/common/cache_reader.o $(BUILD)/common/cache_builder.o $(BUILD)/common/cache_render.o $(BUILD)/common/cache_replace.o $(BUILD)/common/cache_folios.o $(BUILD)/common/fileio.o $(BUILD)/common/hidx.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
TEST_BINS += $(CACHEBENCH)

# nss-grperf: a measuring tool (not a test): getgrgid_r of big groups
# through glibc next to a memcpy of their member block. Run it through
# tests/nss/grperf.sh.
NSS_GRPERF := $(BUILD)/tests/nss-grperf
$(NSS_GRPERF): $(BUILD)/tests/nss/grperf.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
TEST_BINS += $(NSS_GRPERF)

# nss-grexact: getgrnam_r through real glibc with the exact documented
# buffer size and one byte less (tests/nss/t-packed.sh).
NSS_GREXACT := $(BUILD)/tests/nss-grexact
$(NSS_GREXACT): $(BUILD)/tests/nss/grexact.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
TEST_BINS += $(NSS_GREXACT)

# nss-split: the member-block walks against a reference (tests/nss/t-split.sh),
# for each variant of the pass: as built (the widest the CPU runs: on an
# AVX-512 VBMI2 CPU the v4 code), the v3 code (HC_NO_SPLIT_V4), the x86-64
# baseline (HC_NO_CPU_DISPATCH), and the portable mask of other
# architectures (also without __SSE2__).
NSS_SPLIT := $(BUILD)/tests/nss-split
$(NSS_SPLIT): $(BUILD)/tests/nss/split.o $(BUILD)/common/cache_reader.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
$(BUILD)/tests/nss/cache_reader_v3.o: common/cache_reader.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DHC_NO_SPLIT_V4 -MMD -MP -c -o $@ $<
$(BUILD)/tests/nss/cache_reader_base.o: common/cache_reader.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DHC_NO_CPU_DISPATCH -MMD -MP -c -o $@ $<
$(BUILD)/tests/nss/cache_reader_swar.o: common/cache_reader.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DHC_NO_CPU_DISPATCH -U__SSE2__ -MMD -MP -c -o $@ $<
$(NSS_SPLIT)-%: $(BUILD)/tests/nss/split.o $(BUILD)/tests/nss/cache_reader_%.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
TEST_BINS += $(NSS_SPLIT) $(NSS_SPLIT)-v3 $(NSS_SPLIT)-base $(NSS_SPLIT)-swar
