# routes/: hcoop-routes, the main server's mail and DNS routes from the
# account cache (hcoop-routes(8)). Reads the cache only: no libldap.
ROUTES_SRCS := routes/main.c routes/render.c routes/watch.c routes/table.c \
	routes/dnsname.c routes/mail.c routes/zone.c routes/file.c \
	routes/command.c routes/buf.c
ROUTES_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(ROUTES_SRCS))

$(BUILD)/hcoop-routes: $(ROUTES_OBJS) $(CORE_LIB)
	$(CC) $(EXE_LDFLAGS) -o $@ $(ROUTES_OBJS) $(CORE_LIB)

BINS += $(BUILD)/hcoop-routes

install-routes: $(BUILD)/hcoop-routes
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(DATADIR)/contrib/postfix \
		$(DESTDIR)$(DATADIR)/contrib/bind
	install -d -m 0755 $(DESTDIR)/var/lib/hcoop/routes
	install -m 0755 $(BUILD)/hcoop-routes $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/hcoop-routes.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 routes/hcoop-routes.service $(DESTDIR)$(SYSTEMDDIR)/
	install -m 0644 contrib/postfix/* $(DESTDIR)$(DATADIR)/contrib/postfix/
	install -m 0644 contrib/bind/* $(DESTDIR)$(DATADIR)/contrib/bind/
INSTALL_TARGETS += install-routes
.PHONY: install-routes
