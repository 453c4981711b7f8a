# tests/common: drivers for common/ code that needs a process around it.
$(BUILD)/tests/common/spawndrive: $(BUILD)/tests/common/spawndrive.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^
TEST_BINS += $(BUILD)/tests/common/spawndrive
