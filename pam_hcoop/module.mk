# pam_hcoop/: the PAM module pam_hcoop.so (auth, account, password, session).
PAM_SRCS := pam_hcoop/pam_hcoop.c pam_hcoop/args.c pam_hcoop/prologue.c \
	pam_hcoop/rc.c pam_hcoop/authtok.c pam_hcoop/auth.c \
	pam_hcoop/account.c pam_hcoop/password.c pam_hcoop/session.c \
	pam_hcoop/authlog.c
PAM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(PAM_SRCS))
PAM_SO := $(BUILD)/pam_hcoop.so

# -z nodelete: libpam dlcloses the module at every pam_end(); unloading it
# would unload libldap and GnuTLS too and leak their global state (about
# 110 KB per transaction, measured) in long-lived PAM applications.

$(PAM_SO): $(PAM_OBJS) $(LDAP_LIB) $(CORE_LIB) pam_hcoop/pam_hcoop.map
	$(CC) $(SO_LDFLAGS) -Wl,--version-script=pam_hcoop/pam_hcoop.map -Wl,-z,nodelete \
		-o $@ $(PAM_OBJS) $(LDAP_LIB) $(CORE_LIB) $(LDAP_LDLIBS) -lpam

LIBS += $(PAM_SO)

install-pam: $(PAM_SO)
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(PAM_SO) $(DESTDIR)$(PAMDIR)/pam_hcoop.so
	install -m 0644 man/pam_hcoop.8 $(DESTDIR)$(MANDIR)/man8/
INSTALL_TARGETS += install-pam
.PHONY: install-pam
