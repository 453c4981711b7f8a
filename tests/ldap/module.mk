# tests/ldap: the LDAP connection helper against the test slapd.
#   ldapcheck  drives common/ldap_conn.c (one subcommand per call, a
#              distinct exit status per error)
#   blackhole  a listener that accepts and never answers
LDAPCHECK_OBJS := $(BUILD)/tests/ldap/ldapcheck.o $(patsubst %.c,$(BUILD)/%.o,\
	common/ldap_conn.c common/config.c common/numparse.c common/log.c \
	common/names.c common/escape.c)

$(BUILD)/tests/ldapcheck: $(LDAPCHECK_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ $(LDAP_LDLIBS)

$(BUILD)/tests/blackhole: $(BUILD)/tests/ldap/blackhole.o $(BUILD)/common/numparse.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(BUILD)/tests/ldapcheck $(BUILD)/tests/blackhole
.PHONY: ldap-tests
ldap-tests: $(BUILD)/tests/ldapcheck $(BUILD)/tests/blackhole
