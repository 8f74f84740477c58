# make bench: the benchmark suite (issue 5; see docs/performance.md).
# Prints paste-able tables and writes bench/out/summary.json. Sessions are
# generated once into bench/out/ (git-ignored) and reused. These are
# benchmarks, not tests: nothing here runs in make check.
#
#   make BUILD=build-bench bench                  full run (~5 min)
#   make BUILD=build-bench bench BENCH_ARGS=--quick   shorter, fewer runs
BENCH_DIR   := $(BUILD)/bench
BENCH_TOOLS := $(BENCH_DIR)/floor $(BENCH_DIR)/reader $(BENCH_DIR)/engine_ir \
               $(BENCH_DIR)/livelat
BENCH_ARGS  ?=

$(BENCH_DIR)/floor: bench/floor.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LDLIBS)

$(BENCH_DIR)/reader $(BENCH_DIR)/engine_ir $(BENCH_DIR)/livelat: $(BENCH_DIR)/%: bench/%.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS)

.PHONY: bench bench-tools
bench-tools: $(CLI) $(BENCH_TOOLS)

# The live path reuses the pty harness's virtual board, the firmware rows
# the firmware's simavr runner (tests/firmware), when they are there.
# Peak RSS comes from /usr/bin/time (Debian package "time"), callgrind
# from valgrind (in tools/install-deps); a fresh machine gets "time" here.
bench: bench-tools
	@[ -x /usr/bin/time ] || { [ "$$(id -u)" -eq 0 ] && \
	    apt-get install -y -qq --no-install-recommends time >/dev/null; } || \
	    { echo "bench: needs /usr/bin/time: apt-get install time" >&2; exit 1; }
	@$(MAKE) --no-print-directory pty-tools >/dev/null 2>&1 || true
	@$(if $(FWT_TEST),$(MAKE) --no-print-directory $(FWT_TEST) >/dev/null 2>&1 || true)
	@/usr/bin/python3 bench/run.py --build $(BUILD) $(BENCH_ARGS)

# make check only guards that the bench programs read the same frames
# (bench/test_bench_tools.sh, well under a second); it times nothing.
check-build: $(BENCH_DIR)/floor $(BENCH_DIR)/reader $(BENCH_DIR)/engine_ir
CHECK_SCRIPTS += bench/test_bench_tools.sh
