# tests/sanitize.mk: the whole test suite again, built with clang's
# AddressSanitizer and UndefinedBehaviorSanitizer (any report fails the
# test, leaks included), in $(BUILD)/san: `make sanitize`. make check runs
# it through tests/robust/run-sanitized.sh, so CI runs it too.
SAN_BUILD := $(BUILD)/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

CHECK_SCRIPTS += tests/robust/run-sanitized.sh

ifneq ($(ROLLMAP_SANITIZED),)
# Inside the sanitized build: no recursion; valgrind cannot share a
# process with ASan; test_session_tools.sh links its own helper with a
# plain `cc`, which cannot link the instrumented library (see
# docs/robustness.md).
CHECK_SCRIPTS := $(filter-out tests/robust/run-sanitized.sh \
                   tests/robust/test_valgrind.sh \
                   tests/cli/test_session_tools.sh,$(CHECK_SCRIPTS))
endif

# The inner make check runs with every sanitizer fatal; leaks inside
# libsimavr (the firmware test's simulator) are suppressed. Its closing
# line is renamed so the outer make check keeps a single "check:" line.
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
           LSAN_OPTIONS=suppressions=$(abspath tests/robust/lsan.supp) \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: sanitize
sanitize:
	@mkdir -p $(SAN_BUILD)
	@$(SAN_ENV) $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CC=clang \
	    CFLAGS='-O1 -g' CFLAGS_EXTRA='$(SAN_FLAGS)' ROLLMAP_SANITIZED=1 \
	    check > $(SAN_BUILD)/check.log 2>&1; rc=$$?; \
	 grep -v '^  [A-Z][A-Z]* ' $(SAN_BUILD)/check.log | \
	    sed 's/^check:/sanitize:/'; exit $$rc
