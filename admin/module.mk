# admin/: hcoopctl, the admins' tool (hcoopctl(8)). JSON through json-c.
CTL_SRCS := admin/main.c admin/cli.c admin/jsonutil.c admin/explain.c admin/explain_ldap.c \
	admin/status.c admin/hosts.c admin/check.c
CTL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CTL_SRCS))

$(BUILD)/hcoopctl: $(CTL_OBJS) $(LDAP_LIB) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $(CTL_OBJS) $(LDAP_LIB) $(CORE_LIB) $(LDAP_LDLIBS) -ljson-c

BINS += $(BUILD)/hcoopctl

install-hcoopctl: $(BUILD)/hcoopctl
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(PREFIX)/lib/nagios/plugins
	install -m 0755 $(BUILD)/hcoopctl $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/hcoopctl.8 $(DESTDIR)$(MANDIR)/man8/
	ln -sf ../../../sbin/hcoopctl $(DESTDIR)$(PREFIX)/lib/nagios/plugins/check_hcoop
INSTALL_TARGETS += install-hcoopctl
.PHONY: install-hcoopctl
