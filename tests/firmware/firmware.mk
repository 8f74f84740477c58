# The real firmware ELF in simavr (included from firmware/firmware.mk:
# the top Makefile only picks up */*.mk).
#   $(BUILD)/tests/firmware/test_firmware   end-to-end check, run by make check
#   $(BUILD)/tests/firmware/rm-simavr       the board on a pty or stdio, for
#                                           link tests and manual runs
# `make fw-measure` prints the rate sweep quoted in docs/firmware.md.

FWT_DIR := $(BUILD)/tests/firmware
FWT_LIBS := -lsimavr -lelf
FWT_OBJ := $(FWT_DIR)/avrsim.o
FWT_TEST := $(FWT_DIR)/test_firmware
FWT_TOOL := $(FWT_DIR)/rm-simavr

$(FWT_DIR)/%.o: ALL_CFLAGS += -DFW_ELF='"$(FW_ELF)"' -DFW_ELF_1M='"$(FW_ELF_1M)"'

$(FWT_TEST): $(FWT_DIR)/test_firmware.o $(FWT_OBJ) $(STATIC_LIB) $(FW_ELF) $(FW_ELF_1M)
	$(CC) $(ALL_LDFLAGS) -o $@ $(FWT_DIR)/test_firmware.o $(FWT_OBJ) \
	    $(STATIC_LIB) $(LDLIBS) $(FWT_LIBS)

$(FWT_TOOL): $(FWT_DIR)/rm_simavr.o $(FWT_OBJ) $(STATIC_LIB) $(FW_ELF)
	$(CC) $(ALL_LDFLAGS) -o $@ $(FWT_DIR)/rm_simavr.o $(FWT_OBJ) \
	    $(STATIC_LIB) $(LDLIBS) $(FWT_LIBS)

CHECK_PROGRAMS += $(FWT_TEST)

.PHONY: fw-measure
fw-measure: $(FWT_TEST)
	$(FWT_TEST) --measure

-include $(FWT_DIR)/test_firmware.d $(FWT_DIR)/avrsim.d $(FWT_DIR)/rm_simavr.d

CHECK_SCRIPTS += tests/firmware/test_rm_simavr.sh
# make check builds CHECK_PROGRAMS only; the script needs the tool too,
# so it comes with the test program.

$(FWT_TEST): | $(FWT_TOOL)
