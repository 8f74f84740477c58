# tests/fuzz.mk: libFuzzer targets in tests/fuzz/fuzz_<t>.c (see
# docs/robustness.md).
#   make check        replays tests/fuzz/corpus/<t>/ and crashes/<t>/ through
#                     every target (replay_<t>, no libFuzzer needed)
#   make fuzz         builds the targets with clang -fsanitize=fuzzer,address,
#                     undefined in $(BUILD)/libfuzzer and runs each for
#                     FUZZ_TIME seconds (default 60); new inputs go to
#                     $(BUILD)/libfuzzer/work/<t>/, crashes to .../crashes/<t>/
#   make fuzz-smoke   the same for 10 s a target, fixed seed (make check
#                     runs it when CI=true: tests/fuzz/smoke.sh)
#   make fuzz-long    a campaign: each target for FUZZ_LONG_TIME seconds
#                     (default 3600) on a corpus kept in FUZZ_STATE/<t>/
#                     (default ~/.cache/rollmap-fuzz), so every run resumes
#                     where the last stopped; FUZZ_STATE/runs.log keeps a
#                     line per run, and `make fuzz-tally` adds them up.
#                     On a shared machine: nice -n 19 make fuzz-long.
#                     FUZZ_LONG_TARGETS='engine session': only those.
#   make fuzz-cov     line/region/function coverage (llvm-cov) of each
#                     target's FUZZ_STATE corpus + seeds + crashes
# Every run: 1 s per input, 256 MB (tests/fuzz/run).
# A crash found: fix it, then copy the input to tests/fuzz/crashes/<t>/.

FUZZ_TARGETS := decoder session rmap engine firmware cli
FUZZ_DIR     := $(BUILD)/tests/fuzz
FUZZ_TIME    ?= 60
FUZZ_SEED    ?= 0
FUZZ_LONG_TIME ?= 3600
FUZZ_LONG_TARGETS ?= $(FUZZ_TARGETS)
FUZZ_STATE   ?= $(HOME)/.cache/rollmap-fuzz
FUZZ_BUILD   := $(BUILD)/libfuzzer
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer

# What each target links besides the library.
FUZZ_EXTRA_firmware = $(FW_CORE_HOST_OBJ)
FUZZ_EXTRA_cli      = $(filter-out $(BUILD)/host/main.o,$(HOST_OBJ))
$(FUZZ_DIR)/fuzz_firmware.o: ALL_CFLAGS += -Ifirmware/core
$(FUZZ_DIR)/fuzz_cli.o: ALL_CFLAGS += -Ihost
$(FUZZ_DIR)/replay_cli $(FUZZ_DIR)/fuzz_cli: LDLIBS += $(CLI_LIBS)

# $(1): target. replay_<t>: the corpus replayer make check runs;
# fuzz_<t>: the libFuzzer binary (only under make fuzz's clang build).
define fuzz_rules
$(FUZZ_DIR)/replay_$(1): $(FUZZ_DIR)/fuzz_$(1).o $(FUZZ_DIR)/replay.o $(FUZZ_EXTRA_$(1)) $(STATIC_LIB)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(STATIC_LIB) $$(LDLIBS)
$(FUZZ_DIR)/fuzz_$(1): $(FUZZ_DIR)/fuzz_$(1).o $(FUZZ_EXTRA_$(1)) $(STATIC_LIB)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -fsanitize=fuzzer -o $$@ $$(filter %.o,$$^) $$(STATIC_LIB) $$(LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$(t))))

FUZZ_REPLAYS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/replay_%)
CHECK_PROGRAMS += $(FUZZ_REPLAYS)
# In CI make check also runs the short fuzz smoke (tests/fuzz/smoke.sh).
CHECK_SCRIPTS += tests/fuzz/smoke.sh

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins fuzz-long fuzz-tally fuzz-cov
fuzz-bins: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
	    CFLAGS='-O1 -g' FUZZ_ENGINE_CFLAGS='$(FUZZ_ENGINE_FLAGS)' \
	    CFLAGS_EXTRA='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' fuzz-bins

# lib/engine/ in the fuzz build (docs/robustness.md, "Fuzzing limits,
# speed and campaign"):
# - edge coverage but not compare tracing: the tracing hooks were 45 % of
#   fuzz_engine's time, and the engine's branches test measured values
#   against thresholds, not magic numbers a fuzzer could solve for;
# - -O2 and no UBSan alignment or pointer-overflow checks, so the fit's
#   grid search (align.c, best_offset) is vectorised as in the release
#   build: those checks put a branch on every load and kept it scalar.
#   Neither can fire there: lib/engine never casts a byte buffer to a
#   wider type (only qsort comparators read their own double arrays), and
#   a pointer that wraps the address space is only a bug when it is
#   used, which ASan (still on) reports. The rest of UBSan stays on.
FUZZ_ENGINE_FLAGS := -fno-sanitize-coverage=trace-cmp -O2 \
                     -fno-sanitize=alignment,pointer-overflow
$(BUILD)/lib/engine/%.o: ALL_CFLAGS += $(FUZZ_ENGINE_CFLAGS)
# make tracks files, not flags: a fuzz build made before these flags
# changed rebuilds its engine objects.
ifneq ($(FUZZ_ENGINE_CFLAGS),)
$(filter $(BUILD)/lib/engine/%,$(LIB_OBJ)): tests/fuzz.mk
endif

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    tests/fuzz/run $(FUZZ_BUILD) $$t $(FUZZ_TIME) $(FUZZ_SEED) || exit 1; \
	done

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=10 FUZZ_SEED=1

fuzz-long: fuzz-build
	@for t in $(FUZZ_LONG_TARGETS); do \
	    FUZZ_WORK='$(FUZZ_STATE)'/$$t \
	        tests/fuzz/run $(FUZZ_BUILD) $$t $(FUZZ_LONG_TIME) 0 || exit 1; \
	done
	@tests/fuzz/tally '$(FUZZ_STATE)'

fuzz-tally:
	@tests/fuzz/tally '$(FUZZ_STATE)'

# Coverage of the campaign corpora (docs/robustness.md): the replayers
# built with clang's source coverage in $(BUILD)/fuzzcov.
FUZZ_COV := $(BUILD)/fuzzcov
.PHONY: fuzz-cov
fuzz-cov:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_COV) CC=clang \
	    CFLAGS='-O1 -g' \
	    CFLAGS_EXTRA='-fprofile-instr-generate -fcoverage-mapping' \
	    $(FUZZ_TARGETS:%=$(FUZZ_COV)/tests/fuzz/replay_%)
	@tests/fuzz/coverage $(FUZZ_COV) '$(FUZZ_STATE)' $(FUZZ_TARGETS)

-include $(FUZZ_DIR)/*.d
