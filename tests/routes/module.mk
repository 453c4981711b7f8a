# tests/routes: the cmocka unit test of hcoop-routes' name rules (run by
# tests/routes/t-names.sh); it links the one object it tests.
ROUTES_UNIT := $(BUILD)/tests/routes/test-dnsname
$(ROUTES_UNIT): $(BUILD)/tests/routes/test-dnsname.o $(BUILD)/routes/dnsname.o
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lcmocka
$(BUILD)/tests/routes/test-dnsname.o: ALL_CFLAGS += -Iroutes
TEST_BINS += $(ROUTES_UNIT)
