# tests/robust.mk: reliability tests (docs/robustness.md). C programs in
# tests/robust/check_*.c (each with its own main, using Check) and shell tests
# tests/robust/test_*.sh (SIGKILL, full disk, file size limit) run in
# make check like the others.

ROBUST_SRC  := $(sort $(wildcard tests/robust/check_*.c))
ROBUST_BINS := $(ROBUST_SRC:%.c=$(BUILD)/%)

$(ROBUST_BINS): $(BUILD)/tests/robust/%: $(BUILD)/tests/robust/%.o $(STATIC_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS) \
	    $$($(PKG_CONFIG) --libs check)

CHECK_PROGRAMS += $(ROBUST_BINS)
CHECK_SCRIPTS  += $(sort $(wildcard tests/robust/test_*.sh))

.PHONY: robust
robust: all $(ROBUST_BINS)
	@tests/run-all $(BUILD) $(ROBUST_BINS) -- \
	    $(sort $(wildcard tests/robust/test_*.sh))

-include $(ROBUST_SRC:%.c=$(BUILD)/%.d)

# check_nomem fails allocations on cue: malloc, calloc and realloc are
# wrapped at link time (only statically linked code is affected).
$(BUILD)/tests/robust/check_nomem: ALL_LDFLAGS += \
    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
