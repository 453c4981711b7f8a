# hcoop account layer: plain GNU make, no autotools.
#
#   make               build everything into build/
#   make check         install Debian deps (as root), build normal and
#                      ASan/UBSan trees, run every test; ends "N passed, M failed"
#   make demo          the whole thing on a throwaway slapd (KEEP=1 keeps it up)
#   make bench         benchmarks, writes bench/RESULTS.md
#   make fuzz          run the cache-reader fuzzer longer
#   make install DESTDIR=/tmp/stage   stage the install tree, no root needed
#
# Each component adds its targets in its own DIR/module.mk.

SHELL := /bin/bash
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib/$(MULTIARCH)
PAMDIR ?= $(LIBDIR)/security
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/hcoop
SYSTEMDDIR ?= /lib/systemd/system

# SAN=1 builds the same tree with AddressSanitizer + UBSan into build-san/.
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
BUILD ?= build
SANFLAGS :=
OPT := -O2 -D_FORTIFY_SOURCE=2
endif

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wwrite-strings -Wcast-qual
CFLAGS ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
	-fstack-protector-strong -fPIC -Icommon \
	-DHC_CONFIG_PATH='"/etc/hcoop.conf"'
SO_LDFLAGS := -shared -Wl,-z,defs -Wl,-z,relro,-z,now $(SANFLAGS)
EXE_LDFLAGS := -pie -Wl,-z,relro,-z,now $(SANFLAGS)

# component lists, filled by the module.mk files
BINS :=
LIBS :=
TEST_BINS :=
INSTALL_TARGETS :=

.PHONY: all check deps demo bench fuzz install clean san
all:

include common/module.mk
-include $(filter-out common/module.mk,$(wildcard */module.mk)) $(wildcard tests/*/module.mk)

all: $(LIBS) $(BINS) $(TEST_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

deps:
	./scripts/install-deps.sh

# The ASan/UBSan tree is built by a recursive make so both trees coexist.
san:
	$(MAKE) SAN=1 all

check: deps
	$(MAKE) all
	$(MAKE) SAN=1 all
	tests/run.sh

demo: deps all
	tests/demo/demo.sh

bench: deps all
	bench/run.sh

install: all $(INSTALL_TARGETS)

clean:
	rm -rf build build-san
