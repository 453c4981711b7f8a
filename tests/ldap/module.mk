# tests/ldap: the LDAP connection helper against the test slapd.
#   ldapcheck  drives common/ldap_conn.c (one subcommand per call, a
#              distinct exit status per error)
#   blackhole  a listener that accepts and never answers
$(BUILD)/tests/ldapcheck: $(BUILD)/tests/ldap/ldapcheck.o $(LDAP_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ $(LDAP_LDLIBS)

$(BUILD)/tests/blackhole: $(BUILD)/tests/ldap/blackhole.o $(BUILD)/common/numparse.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(BUILD)/tests/ldapcheck $(BUILD)/tests/blackhole
.PHONY: ldap-tests
ldap-tests: $(BUILD)/tests/ldapcheck $(BUILD)/tests/blackhole
