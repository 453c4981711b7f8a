# mkhome/: hcoop-mkhome, the root helper that creates a member's home.
# Decides from the account cache: links the core library only (no libldap).
# Installed 0755, never setuid.
MKHOME_SRCS := mkhome/fdutil.c mkhome/acl.c mkhome/apply.c \
	mkhome/preflight.c mkhome/build.c mkhome/install.c mkhome/restore.c \
	mkhome/repair.c mkhome/main.c
MKHOME_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(MKHOME_SRCS))

$(BUILD)/hcoop-mkhome: $(MKHOME_OBJS) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $(MKHOME_OBJS) $(CORE_LIB) -lacl

BINS += $(BUILD)/hcoop-mkhome

install-mkhome: $(BUILD)/hcoop-mkhome
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/hcoop-mkhome $(DESTDIR)$(SBINDIR)/hcoop-mkhome
	install -m 0644 man/hcoop-mkhome.8 $(DESTDIR)$(MANDIR)/man8/
INSTALL_TARGETS += install-mkhome
.PHONY: install-mkhome
