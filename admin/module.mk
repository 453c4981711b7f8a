# admin/: hcoopctl, the admins' tool (hcoopctl(8)). JSON through json-c.
CTL_SRCS := admin/main.c admin/cli.c admin/jsonutil.c admin/explain.c admin/explain_ldap.c \
	admin/status.c admin/hosts.c admin/check.c
# part 2 (issue 15): the commands that change the directory
CTL_SRCS += admin/ldapw.c admin/counter.c admin/member.c admin/member_add.c \
	admin/member_host.c admin/member_move.c admin/member_lock.c \
	admin/member_delete.c admin/failover.c admin/homes.c admin/homes_restores.c
CTL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CTL_SRCS))
# the names member add refuses, compiled in from admin/reserved-names.txt
CTL_OBJS += $(BUILD)/admin/reserved_names.o

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

$(BUILD)/admin/reserved_names.c: admin/reserved-names.txt admin/module.mk
	@mkdir -p $(dir $@)
	{ echo '/* generated from admin/reserved-names.txt */'; \
	  echo '#include "ldapw.h"'; \
	  echo 'const char *const ctl_reserved_names[] = {'; \
	  sed -e 's/#.*//' -e '/^[[:space:]]*$$/d' \
	      -e 's/^[[:space:]]*\([^[:space:]]*\).*/	"\1",/' $<; \
	  echo '	NULL,'; echo '};'; } >$@.tmp && mv $@.tmp $@
$(BUILD)/admin/reserved_names.o: $(BUILD)/admin/reserved_names.c
	$(CC) $(ALL_CFLAGS) -Iadmin -c -o $@ $<
