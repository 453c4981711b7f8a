# tests/unit: cmocka unit tests of common/'s pure-C core (config, numbers,
# escaping, names, logging). The binaries link the core objects directly,
# rather than libhcoop-core.a, so a unit test depends on nothing but the
# code it tests. Run by tests/unit/t-unit.sh.
UNIT_NAMES := config numparse escape names log
UNIT_CORE_OBJS := $(patsubst %.c,$(BUILD)/%.o,common/config.c common/config_table.c \
	common/config_check.c common/config_dump.c common/config_trust.c common/secret.c \
	common/numparse.c common/escape.c common/log.c common/names.c common/errbuf.c)
UNIT_BINS := $(patsubst %,$(BUILD)/tests/unit/test-%,$(UNIT_NAMES))

$(UNIT_BINS): $(BUILD)/tests/unit/test-%: $(BUILD)/tests/unit/test-%.o \
		$(UNIT_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lcmocka

TEST_BINS += $(UNIT_BINS)
.PHONY: unit-tests
unit-tests: $(UNIT_BINS)

# test-admission exercises the decision over a real cache file and real
# local files, so it links the whole core library; it wraps fopen to count
# how often a decision reads the local files.
$(BUILD)/tests/unit/test-admission: $(BUILD)/tests/unit/test-admission.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -Wl,--wrap=fopen -o $@ $^ -lcmocka
TEST_BINS += $(BUILD)/tests/unit/test-admission

# The cache writer's replacement path and the one hash table (issue 13):
# run by tests/unit/t-unit.sh. test-replace wraps mmap and
# posix_fallocate at link time to make the system refuse them.
$(BUILD)/tests/unit/test-replace: $(BUILD)/tests/unit/test-replace.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -Wl,--wrap=mmap -Wl,--wrap=posix_fallocate -o $@ $^ -lcmocka
$(BUILD)/tests/unit/test-hidx: $(BUILD)/tests/unit/test-hidx.o $(BUILD)/common/hidx.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lcmocka
TEST_BINS += $(BUILD)/tests/unit/test-replace $(BUILD)/tests/unit/test-hidx
# The hash table's micro-benchmark (bench/hidx.c; not run by make check):
# `make build/bench/hcb-hidx && build/bench/hcb-hidx`. Its rule lives here
# with the table's unit test rather than in bench/module.mk.
$(BUILD)/bench/hcb-hidx: $(BUILD)/bench/hidx.o $(BUILD)/common/hidx.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
.PHONY: hidx-bench
hidx-bench: $(BUILD)/bench/hcb-hidx
# hcoop-sync's ledger (sync/ledger.c) with the entry functions it uses
# (its keys and entryUUID text); run by tests/unit/t-unit.sh.
$(BUILD)/tests/unit/test-ledger: $(BUILD)/tests/unit/test-ledger.o \
		$(patsubst %,$(BUILD)/sync/%.o,ledger entry attrs sshkey report) \
		$(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lcmocka $(LDAP_LDLIBS) -lgnutls
TEST_BINS += $(BUILD)/tests/unit/test-ledger
