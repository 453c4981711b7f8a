# sync/: hcoop-sync, the LDAP -> cache mirror (hcoop-sync(8)).
SYNC_SRCS := sync/main.c sync/refresh.c sync/entry.c sync/attrs.c sync/model.c \
	sync/strmap.c sync/index.c sync/view.c sync/persist.c sync/daemon.c sync/write.c \
	sync/guard.c sync/nscd.c sync/precreate.c sync/status.c sync/publish.c
SYNC_SRCS += sync/local.c sync/policy.c sync/report.c sync/skipfile.c
SYNC_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(SYNC_SRCS))

SYNC_SRCS += sync/lock.c sync/notify.c
SYNC_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(SYNC_SRCS))
# libsystemd for sd_notify (Type=notify): hcoop-sync only, never the modules
SYSTEMD_LDLIBS := $(shell pkg-config --libs libsystemd 2>/dev/null || echo -lsystemd)
$(BUILD)/hcoop-sync: $(SYNC_OBJS) $(LDAP_LIB) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $(SYNC_OBJS) $(LDAP_LIB) $(CORE_LIB) $(LDAP_LDLIBS) $(SYSTEMD_LDLIBS)

BINS += $(BUILD)/hcoop-sync

install-sync: $(BUILD)/hcoop-sync
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDDIR)
	install -m 0755 $(BUILD)/hcoop-sync $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/hcoop-sync.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 sync/hcoop-sync.service $(DESTDIR)$(SYSTEMDDIR)/
INSTALL_TARGETS += install-sync
.PHONY: install-sync
# H2: heartbeat and back-off (objects listed again: SYNC_OBJS is already expanded above)
SYNC_SRCS += sync/heartbeat.c sync/backoff.c sync/hbstatus.c
SYNC_OBJS += $(BUILD)/sync/heartbeat.o $(BUILD)/sync/backoff.o $(BUILD)/sync/hbstatus.o
$(BUILD)/hcoop-sync: $(BUILD)/sync/heartbeat.o $(BUILD)/sync/backoff.o $(BUILD)/sync/hbstatus.o
# SSH public keys (issue 17): key validation, base64 through GnuTLS
SYNC_SRCS += sync/sshkey.c
SYNC_OBJS += $(BUILD)/sync/sshkey.o
$(BUILD)/hcoop-sync: $(BUILD)/sync/sshkey.o
$(BUILD)/hcoop-sync: LDAP_LDLIBS += -lgnutls
