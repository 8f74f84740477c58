# make accuracy: the engine against simulator truth (tools/accuracy/), on
# three families: the original physics on seeds 1000-1049 (never used for
# tuning; 2000-2049 is a second fresh range: make accuracy
# ACCURACY_SEEDS=2000-2049), the tuning family and the held-out family of
# physics variants (tools/accuracy/families.h; the rule is in
# docs/engine.md). Two workers, one per core. stress sessions last 300 s.
# make check runs the same program on seeds 1-3 of the original physics
# with loose regression bounds.
ACCURACY_BIN := $(BUILD)/tools/accuracy/accuracy
ACCURACY_OBJ := $(BUILD)/tools/accuracy/accuracy.o $(BUILD)/tools/accuracy/score.o \
                $(BUILD)/tools/accuracy/live.o $(BUILD)/tools/accuracy/calib.o
ACCURACY_SEEDS ?= 1000-1049
ACCURACY_JOBS ?= 2

$(ACCURACY_BIN): $(ACCURACY_OBJ) $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(ACCURACY_OBJ) $(STATIC_LIB) $(LDLIBS)

CHECK_PROGRAMS += $(ACCURACY_BIN)

.PHONY: accuracy
accuracy: $(ACCURACY_BIN)
	$(ACCURACY_BIN) --family all --seeds $(ACCURACY_SEEDS) --jobs $(ACCURACY_JOBS)

# Header dependencies (accuracy.h, calib.h, families.h, live.h), as for the library.
-include $(ACCURACY_OBJ:.o=.d)
