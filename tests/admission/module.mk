# tests/admission: the cmocka unit test of common/admission.c (the one
# admission decision), linked against the core library it lives in. Run by
# tests/admission/t-admission.sh.
ADMISSION_TEST := $(BUILD)/tests/admission/test-admission

$(ADMISSION_TEST): $(BUILD)/tests/admission/test-admission.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(EXE_LDFLAGS) -o $@ $^ -lcmocka

TEST_BINS += $(ADMISSION_TEST)
