# hcoop account layer: plain GNU make, no autotools.
#
#   make               build everything into build/
#   make check         install Debian deps (as root), build normal and
#                      ASan/UBSan trees with -Werror, run every test (the
#                      Debian package tests in tests/pkg/ too); ends
#                      "N passed, M failed"
#   make deb           dpkg-buildpackage -us -uc -b in a copy of the tree
#                      (the .debs land in build/deb/)
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
SYSTEMDDIR ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)

# The version, from one place: the VERSION file (debian/changelog's upstream
# version must match it; tests/pkg/t-build.sh checks). Programs get it from
# common/version.h, which includes the generated $(BUILD)/gen/hc_version.h
# (rewritten only when the version changes, so the .d files rebuild exactly
# what uses it).
HC_VERSION ?= $(shell cat VERSION 2>/dev/null || echo unknown)

# SAN=1 builds the same tree with AddressSanitizer + UBSan into build-san/.
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CFLAGS ?= -O1 -g
else
BUILD ?= build
SANFLAGS :=
CFLAGS ?= -O2 -g
CPPFLAGS ?= -D_FORTIFY_SOURCE=2
endif

HC_VERSION_H := $(BUILD)/gen/hc_version.h
_hc_version_line := \#define HC_VERSION "$(HC_VERSION)"
ifneq ($(shell cat $(HC_VERSION_H) 2>/dev/null),$(_hc_version_line))
$(shell mkdir -p $(BUILD)/gen && printf '%s\n' '$(_hc_version_line)' >$(HC_VERSION_H))
endif

# -Werror only where we want the build to stop at a warning (make check,
# .ci/run: WERROR=1); a distribution build with a newer compiler must not.
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wwrite-strings -Wcast-qual
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Hardening on top of whatever CFLAGS/CPPFLAGS/LDFLAGS say (dpkg-buildflags
# in debian/rules): each flag only if this compiler accepts it for this
# target (-fcf-protection is x86 only).
_hc_cc_ok = $(shell $(CC) -Werror $(1) -E -x c /dev/null >/dev/null 2>&1 && echo $(1))
HARDEN := -fstack-protector-strong $(call _hc_cc_ok,-fstack-clash-protection) \
	$(call _hc_cc_ok,-fcf-protection)
# -fPIC code is built for shared objects, whose global functions another
# object could interpose: the compiler then may not inline one global
# function into another of the same file. Nothing here is meant to be
# interposed (the NSS module exports its entry points only, and links the
# rest in), so say so: the module's lookups then inline their checks.
NOINTERPOSE := $(call _hc_cc_ok,-fno-semantic-interposition)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) $(HARDEN) \
	$(SANFLAGS) -fPIC $(NOINTERPOSE) -Icommon -I$(BUILD)/gen
SO_LDFLAGS := -shared -Wl,-z,defs -Wl,-z,relro,-z,now $(LDFLAGS) $(SANFLAGS)
EXE_LDFLAGS := -pie -Wl,-z,relro,-z,now $(LDFLAGS) $(SANFLAGS)

# component lists, filled by the module.mk files
BINS :=
LIBS :=
TEST_BINS :=
INSTALL_TARGETS :=

.PHONY: all dist check deps deb demo bench fuzz install clean san
all:

include common/module.mk
-include $(filter-out common/module.mk,$(wildcard */module.mk)) $(wildcard tests/*/module.mk)

all: $(LIBS) $(BINS) $(TEST_BINS)

# What is shipped, without the test programs (debian/rules builds this).
dist: $(LIBS) $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# (not under build/pkg/: the package tests keep a Debian root there)
-include $(shell find $(BUILD) -path $(BUILD)/pkg -prune -o -name '*.d' -type f -print 2>/dev/null)

deps:
	./scripts/install-deps.sh --build

# The Debian packages, built in a copy of the tree (debian/ builds in
# place; this keeps the work tree and build/ clean).
deb:
	scripts/build-debs.sh build/deb

# The ASan/UBSan tree is built by a recursive make so both trees coexist.
san:
	$(MAKE) SAN=1 all

check: deps
	$(MAKE) WERROR=1 all
	$(MAKE) WERROR=1 SAN=1 all
	tests/run.sh

demo: deps all
	tests/demo/demo.sh

bench: deps all
	bench/run.sh

# The man pages' .TH carries the version, put in at install time so the
# VERSION file stays the one place it is written.
MAN_PAGES := $(wildcard man/*.[1-8])
install: dist $(INSTALL_TARGETS)
	for m in $(MAN_PAGES); do \
		f=$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
		[ ! -f "$$f" ] || sed -i '1s/^\(\.TH [^ ]* [0-9] "[^"]*"\) "hcoop[^"]*"/\1 "hcoop $(HC_VERSION)"/' "$$f"; \
	done

clean:
	rm -rf build build-san
