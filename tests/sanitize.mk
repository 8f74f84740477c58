# tests/sanitize.mk: the whole test suite again, built with clang's
# AddressSanitizer and UndefinedBehaviorSanitizer (any report fails the
# test), in $(BUILD)/san. make check runs it through
# tests/robust/run-sanitized.sh; alone: make sanitize.
SAN_BUILD := $(BUILD)/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

.PHONY: sanitize san-run
sanitize:
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CC=clang \
	    CFLAGS='-O1 -g' CFLAGS_EXTRA='$(SAN_FLAGS)' ROLLMAP_SANITIZED=1 san-run

CHECK_SCRIPTS += tests/robust/run-sanitized.sh

ifneq ($(ROLLMAP_SANITIZED),)
# Inside the sanitized build: no recursion, and the libFuzzer smoke and
# the valgrind run (which cannot share a process with ASan) stay outside.
CHECK_SCRIPTS := $(filter-out tests/robust/run-sanitized.sh \
                   tests/robust/test_valgrind.sh,$(CHECK_SCRIPTS))
endif

# detect_leaks: a leak is a bug here too. The closing line is renamed so
# make check keeps a single "check:" line.
san-run: all $(CHECK_PROGRAMS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 tests/run-all $(BUILD) $(CHECK_PROGRAMS) -- $(CHECK_SCRIPTS) \
	    > $(BUILD)/sanitize.log 2>&1; rc=$$?; \
	 sed 's/^check:/sanitize:/' $(BUILD)/sanitize.log; exit $$rc

