# tests/pam/: pamdrive, a small driver of real Linux-PAM (pam_start_confdir),
# and libsyslogcap.so, an LD_PRELOAD shim that captures syslog to a file.
PAMDRIVE := $(BUILD)/tests/pamdrive
SYSLOGCAP := $(BUILD)/tests/libsyslogcap.so

$(PAMDRIVE): $(BUILD)/tests/pam/pamdrive.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lpam

# never sanitized: it is preloaded ahead of everything
$(SYSLOGCAP): tests/pam/syslogcap.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -fPIC -shared -o $@ $<

TEST_BINS += $(PAMDRIVE) $(SYSLOGCAP)
