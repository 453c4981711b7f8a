# nss_hcoop/: libnss_hcoop.so.2, the NSS module. Links only the cache
# reader and the name rule (no libldap), exports only _nss_hcoop_*.
NSS_SRCS := nss_hcoop/passwd.c nss_hcoop/group.c nss_hcoop/initgroups.c \
	nss_hcoop/handle.c nss_hcoop/pack.c nss_hcoop/status.c
NSS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(NSS_SRCS))
NSS_SO := $(BUILD)/libnss_hcoop.so.2

# Link-time optimisation: a lookup crosses the module's files (entry
# point, handle, cache reader, packing, status), and NSS_HOT (nss_hcoop.h)
# can make it one function only where the linker sees them all. The
# module gets its own objects of the two common files it links (so no
# other program is built -flto), and every object the module links is
# also a plain one (-ffat-lto-objects): the test programs link NSS_OBJS
# without LTO. Where the compiler has no -flto=auto, NSS_HOT still
# inlines within each file.
NSS_LTO := $(call _hc_cc_ok,-flto=auto)
NSS_COMMON_OBJS := $(BUILD)/nss_hcoop/common/cache_reader.o \
	$(BUILD)/nss_hcoop/common/names.o
$(NSS_OBJS) $(NSS_COMMON_OBJS): ALL_CFLAGS += -fvisibility=hidden \
	$(if $(NSS_LTO),$(NSS_LTO) -ffat-lto-objects)

$(BUILD)/nss_hcoop/common/%.o: common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# -z nodelete: handle.c registers fork handlers (pthread_atfork), which
# must never outlive the object; NSS modules are not unloaded anyway.
# The compile flags are given again: with LTO the code is generated here.
$(NSS_SO): $(NSS_OBJS) $(NSS_COMMON_OBJS) nss_hcoop/libnss_hcoop.map
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fvisibility=hidden $(NSS_LTO) $(SO_LDFLAGS) \
		-Wl,-soname,libnss_hcoop.so.2 -Wl,-z,nodelete \
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
