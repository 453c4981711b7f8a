# sync/: hcoop-sync, the LDAP -> cache mirror (hcoop-sync(8)).
SYNC_SRCS := sync/main.c sync/lock.c sync/notify.c \
	sync/refresh.c sync/entry.c sync/attrs.c sync/sshkey.c sync/policy.c \
	sync/local.c sync/report.c sync/model.c sync/index.c \
	sync/view.c sync/guard.c sync/write.c sync/skipfile.c sync/nscd.c \
	sync/precreate.c sync/persist.c sync/daemon.c sync/backoff.c \
	sync/heartbeat.c sync/hbstatus.c sync/status.c sync/publish.c \
	sync/statusd.c sync/metrics.c sync/lease.c
SYNC_SRCS += sync/stream.c sync/ledger.c
SYNC_SRCS += sync/changes.c sync/delta.c sync/delta_groups.c sync/mfilter.c
SYNC_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(SYNC_SRCS))
# libsystemd for sd_notify (Type=notify) and GnuTLS for base64 of SSH keys:
# hcoop-sync only, never the modules
SYSTEMD_LDLIBS := $(shell pkg-config --libs libsystemd 2>/dev/null || echo -lsystemd)
SYNC_LDLIBS := $(LDAP_LDLIBS) -lgnutls $(SYSTEMD_LDLIBS) -lpthread

$(BUILD)/hcoop-sync: $(SYNC_OBJS) $(LDAP_LIB) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $(SYNC_OBJS) $(LDAP_LIB) $(CORE_LIB) $(SYNC_LDLIBS)

BINS += $(BUILD)/hcoop-sync

install-sync: $(BUILD)/hcoop-sync
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDDIR)
	install -m 0755 $(BUILD)/hcoop-sync $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/hcoop-sync.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 sync/hcoop-sync.service $(DESTDIR)$(SYSTEMDDIR)/
INSTALL_TARGETS += install-sync
.PHONY: install-sync
