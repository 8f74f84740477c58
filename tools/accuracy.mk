# make accuracy: the engine against simulator truth (tools/accuracy/).
# Prints the table on seeds 1000-1049, never used for tuning (tuning used
# seeds 1-40, checked on 41-100; 2000-2049 is a second fresh range:
# make accuracy ACCURACY_SEEDS=2000-2049). stress sessions last 300 s
# (--stress-s). make check runs the same program on seeds 1-3 with loose
# regression bounds.
ACCURACY_BIN := $(BUILD)/tools/accuracy/accuracy
ACCURACY_SEEDS ?= 1000-1049

$(ACCURACY_BIN): $(BUILD)/tools/accuracy/accuracy.o $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS)

CHECK_PROGRAMS += $(ACCURACY_BIN)

.PHONY: accuracy
accuracy: $(ACCURACY_BIN)
	$(ACCURACY_BIN) --seeds $(ACCURACY_SEEDS)
