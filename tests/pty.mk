# tests/pty.mk: the libserialport-on-pty harness in tests/pty/ (see docs/live.md):
# an LD_PRELOAD shim answering the modem-line ioctls on ptys, the virtual
# board on a pty, and a frame comparer. Its test_*.sh scripts run in
# make check (they skip, saying why, when not root or without unshare).

PTY_DIR   := $(BUILD)/tests/pty
PTY_SHIM  := $(PTY_DIR)/ptyshim.so
PTY_TOOLS := $(PTY_SHIM) $(PTY_DIR)/vboard $(PTY_DIR)/simcmp

# Never sanitized: it is preloaded into every process of a test (the
# symbolizer too), which would then need the sanitizer runtime.
$(PTY_SHIM): tests/pty/ptyshim.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -shared -fPIC -O2 -Wall -Wextra -Werror -o $@ $< -ldl

$(PTY_DIR)/vboard $(PTY_DIR)/simcmp: $(PTY_DIR)/%: tests/pty/%.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS)

.PHONY: pty-tools
pty-tools: $(PTY_TOOLS)
# The firmware-in-simavr case needs rm-simavr (tests/firmware, via
# firmware/firmware.mk, read before this file).
check-build: $(PTY_TOOLS) $(FWT_TOOL)

CHECK_SCRIPTS += $(sort $(wildcard tests/pty/test_*.sh))
