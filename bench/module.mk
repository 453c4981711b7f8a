# bench/: benchmark programs, built only by `make bench-bins` (which
# bench/run.sh calls), never by `make all` or `make check`.
BENCH_BINS := $(BUILD)/bench/libnss_hcoopfloor.so.2 $(BUILD)/bench/hcb-lookup \
	$(BUILD)/bench/hcb-rss $(BUILD)/bench/hcb-change $(BUILD)/bench/hcb-login

HCB_LOOKUP_OBJS := $(patsubst %.c,$(BUILD)/%.o,bench/lookup.c bench/keys.c \
	bench/stats.c bench/scratch.c bench/ops_glibc.c bench/ops_direct.c \
	bench/ops_copy.c)

$(BUILD)/bench/libnss_hcoopfloor.so.2: $(BUILD)/bench/nss_floor.o bench/nss_floor.map
	$(CC) $(SO_LDFLAGS) -Wl,-soname,libnss_hcoopfloor.so.2 \
		-Wl,--version-script=bench/nss_floor.map -o $@ $< -lpthread

# issue 13, item 4: the one-miss floor (the least a lookup in a file of
# the cache's size can cost)
BENCH_BINS += $(BUILD)/bench/libnss_hcooponemiss.so.2
$(BUILD)/bench/libnss_hcooponemiss.so.2: $(BUILD)/bench/nss_onemiss.o bench/nss_onemiss.map
	$(CC) $(SO_LDFLAGS) -Wl,-soname,libnss_hcooponemiss.so.2 \
		-Wl,--version-script=bench/nss_onemiss.map -o $@ $< -lpthread

# ... and the two-miss floor: the same source reading a slot line, then
# the line it names
BENCH_BINS += $(BUILD)/bench/libnss_hcooptwomiss.so.2
$(BUILD)/bench/nss_twomiss.o: bench/nss_onemiss.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DHC_MISS_LINES=2 -MMD -MP -c -o $@ $<
$(BUILD)/bench/libnss_hcooptwomiss.so.2: $(BUILD)/bench/nss_twomiss.o bench/nss_onemiss.map
	$(CC) $(SO_LDFLAGS) -Wl,-soname,libnss_hcooptwomiss.so.2 \
		-Wl,--version-script=bench/nss_onemiss.map -o $@ $< -lpthread

$(BUILD)/bench/hcb-lookup: $(HCB_LOOKUP_OBJS) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lpthread -ldl -lm

$(BUILD)/bench/hcb-rss: $(BUILD)/bench/rss.o
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -ldl

$(BUILD)/bench/hcb-change: $(BUILD)/bench/change.o $(BUILD)/bench/ldapmod.o \
		$(BUILD)/bench/stats.o $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lm

$(BUILD)/bench/hcb-login: $(BUILD)/bench/login.o $(BUILD)/bench/stats.o $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lpam -lm

.PHONY: bench-bins
bench-bins: $(BENCH_BINS)

# SSH keys command (issue 17): hcoop-authorized-keys as sshd calls it
BENCH_BINS += $(BUILD)/bench/hcb-authkeys
bench-bins: $(BUILD)/bench/hcb-authkeys
$(BUILD)/bench/hcb-authkeys: $(BUILD)/bench/authkeys.o $(BUILD)/bench/stats.o
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lm

# issue 13: throughput of the persist path (1,000 changes in one burst)
BENCH_BINS += $(BUILD)/bench/hcb-burst
bench-bins: $(BUILD)/bench/hcb-burst
$(BUILD)/bench/hcb-burst: $(BUILD)/bench/burst.o $(BUILD)/bench/ldapmod.o \
		$(BUILD)/bench/stats.o $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lm
