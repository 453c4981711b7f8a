# nss_hcoop/: libnss_hcoop.so.2, the NSS module. Links only the cache
# reader and the name rule (no libldap), exports only _nss_hcoop_*.
NSS_SRCS := nss_hcoop/passwd.c nss_hcoop/group.c nss_hcoop/initgroups.c \
	nss_hcoop/handle.c nss_hcoop/pack.c nss_hcoop/status.c
NSS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(NSS_SRCS))
NSS_SO := $(BUILD)/libnss_hcoop.so.2

$(NSS_OBJS): ALL_CFLAGS += -fvisibility=hidden
# -z nodelete: handle.c registers a thread-exit destructor (pthread key),
# which must never outlive the object; NSS modules are not unloaded anyway.

$(NSS_SO): $(NSS_OBJS) $(BUILD)/common/cache_reader.o $(BUILD)/common/names.o \
		nss_hcoop/libnss_hcoop.map
	@mkdir -p $(dir $@)
	$(CC) $(SO_LDFLAGS) -Wl,-soname,libnss_hcoop.so.2 -Wl,-z,nodelete \
		-Wl,--version-script=nss_hcoop/libnss_hcoop.map \
		-o $@ $(filter %.o,$^)

LIBS += $(NSS_SO)

install-nss: $(NSS_SO)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(NSS_SO) $(DESTDIR)$(LIBDIR)/libnss_hcoop.so.2
	install -m 0644 man/nss_hcoop.8 $(DESTDIR)$(MANDIR)/man8/
INSTALL_TARGETS += install-nss
.PHONY: install-nss

# The cache-reader fuzz target: clang's libFuzzer with ASan+UBSan, built in
# both trees (its own flags, not SANFLAGS). tests/nss/t-fuzz.sh runs it for
# 30 s inside make check.
FUZZ_CC ?= clang
FUZZ_BIN := $(BUILD)/tests/fuzz-cache
$(FUZZ_BIN): tests/fuzz/fuzz_cache.c common/cache_reader.c common/cache.h \
		common/cache_format.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -Icommon -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ tests/fuzz/fuzz_cache.c common/cache_reader.c
TEST_BINS += $(FUZZ_BIN)

# make fuzz: the cache-reader fuzzer, longer than the bounded run in make
# check (FUZZ_TIME seconds, default 600).
FUZZ_TIME ?= 600
fuzz: $(FUZZ_BIN) $(BUILD)/tests/hcoop-mkcache
	HC_BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_TIME)
