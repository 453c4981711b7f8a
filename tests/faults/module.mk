# tests/faults: the fault suite (issue 12), see tests/faults/README.md.
#   badserver  a listener that is silent, sends random bytes, or claims a
#              2 GiB LDAP message
#   make faults  the suite with its long sizes and more iterations
#                (FAULTS_LONG=1), then prints build/faults.md
$(BUILD)/tests/badserver: $(BUILD)/tests/faults/badserver.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(BUILD)/tests/badserver

.PHONY: faults
faults: all
	FAULTS_LONG=1 tests/run.sh $$(ls tests/faults/t-*.sh | sort)
	@cat build/faults.md

$(BUILD)/tests/lookuptime: $(BUILD)/tests/faults/lookuptime.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^

TEST_BINS += $(BUILD)/tests/lookuptime
