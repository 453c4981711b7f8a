# keys/: hcoop-authorized-keys, sshd's AuthorizedKeysCommand. Reads the
# account cache only: links the core library (no libldap, no network).
# Installed root-owned 0755 (sshd refuses a command others can write).
KEYS_SRCS := keys/main.c keys/print.c
KEYS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KEYS_SRCS))

$(BUILD)/hcoop-authorized-keys: $(KEYS_OBJS) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $(KEYS_OBJS) $(CORE_LIB)

BINS += $(BUILD)/hcoop-authorized-keys

install-keys: $(BUILD)/hcoop-authorized-keys
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/hcoop-authorized-keys $(DESTDIR)$(SBINDIR)/hcoop-authorized-keys
	install -m 0644 man/hcoop-authorized-keys.8 $(DESTDIR)$(MANDIR)/man8/
INSTALL_TARGETS += install-keys
.PHONY: install-keys
