# common/: two static libraries.
#   libhcoop-core.a  config, numbers, escaping, names, logging, cache file
#                    (no libldap: the NSS module links this one)
#   libhcoop-ldap.a  the LDAP connection helper (links libldap)
CORE_SRCS := common/config.c common/config_table.c common/config_check.c \
	common/config_dump.c common/config_trust.c common/secret.c \
	common/numparse.c common/escape.c common/log.c common/names.c \
	common/errbuf.c common/cache_reader.c common/cache_builder.c common/cache_render.c common/cache_replace.c \
	common/cache_folios.c common/child.c common/hoststat.c common/skiplist.c \
	common/hidx.c common/strmap.c common/localdb.c common/fileio.c
LDAP_SRCS := common/ldap_conn.c common/ldap_ops.c
CORE_SRCS += common/heartbeat.c
LDAP_SRCS += common/ldap_tlsdiag.c

CORE_LIB := $(BUILD)/libhcoop-core.a
LDAP_LIB := $(BUILD)/libhcoop-ldap.a
LDAP_LDLIBS := -lldap -llber -lgnutls

$(CORE_LIB): $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(CORE_SRCS)))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LDAP_LIB): $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(LDAP_SRCS)))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

LIBS += $(CORE_LIB) $(LDAP_LIB)

install-common:
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/ldap-schema/examples
	install -m 0644 man/hcoop.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 ldap-schema/*.ldif ldap-schema/*.schema ldap-schema/README.md $(DESTDIR)$(DATADIR)/ldap-schema/
	install -m 0644 ldap-schema/examples/* $(DESTDIR)$(DATADIR)/ldap-schema/examples/
	install -d -m 0755 $(DESTDIR)/var/lib/hcoop
INSTALL_TARGETS += install-common
.PHONY: install-common
CORE_SRCS += common/admission.c
$(CORE_LIB): $(BUILD)/common/admission.o
