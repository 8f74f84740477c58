# examples/examples.mk: the programs in examples/ are built the way another
# developer builds them: against an INSTALLED librollmap, found through
# pkg-config, never against lib/ directly. make check installs into a
# private prefix under the build directory, builds every examples/*.c
# there and runs them (examples/test_examples.sh).
#
#   make examples           build them (BUILD/examples/<name>)
#
# The programs get an rpath to that prefix so they run without
# LD_LIBRARY_PATH; a copy in your own tree does not need one when the
# library is installed where the loader looks (/usr/local/lib after
# ldconfig, say).

EX_DIR    := $(BUILD)/examples
EX_PREFIX := $(abspath $(BUILD))/examples/prefix
EX_STAMP  := $(EX_DIR)/prefix/.installed
EX_NAMES  := $(patsubst examples/%.c,%,$(sort $(wildcard examples/*.c)))
EX_BINS   := $(EX_NAMES:%=$(EX_DIR)/%)
EX_ENV    := $(EX_DIR)/build-env.sh
# The private prefix first (its librollmap.pc wins over any installed
# elsewhere).
EX_PKG    := PKG_CONFIG_PATH=$(EX_PREFIX)/lib/pkgconfig$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH} \
             $(PKG_CONFIG)

# Install (quietly) whenever anything installed has changed.
$(EX_STAMP): $(STATIC_LIB) $(SHARED_LIB) $(CLI) $(VERSION_H) lib/rollmap.h \
             lib/librollmap.pc.in $(wildcard man/*.[0-9])
	@$(if $(Q),echo "  INSTALL $(EX_PREFIX)")
	$(Q)$(MAKE) --no-print-directory install PREFIX=$(EX_PREFIX) DESTDIR= \
	    MANDIR=$(EX_PREFIX)/share/man >/dev/null
	$(Q)touch $@

# The compiler and flags the library was built with, for the test scripts
# that build examples themselves (a sanitizer build needs the same
# -fsanitize flags on the program).
$(EX_ENV): Makefile examples/examples.mk
	@mkdir -p $(dir $@)
	$(Q)printf 'EX_CC=%s\nEX_CFLAGS=%s\n' "'$(CC)'" \
	    "'-std=c11 $(WARN) $(CFLAGS) $(CFLAGS_EXTRA)'" > $@

$(EX_DIR)/%: examples/%.c $(EX_STAMP) $(EX_ENV)
	@$(if $(Q),echo "  CC      $< (installed librollmap)")
	$(Q)$(CC) -std=c11 $(WARN) $(CFLAGS) $(CFLAGS_EXTRA) \
	    $$($(EX_PKG) --cflags librollmap) -o $@ $< \
	    $$($(EX_PKG) --libs librollmap) -Wl,-rpath,$(EX_PREFIX)/lib

.PHONY: examples
examples: $(EX_BINS)
check-build: $(EX_BINS)

CHECK_SCRIPTS += examples/test_examples.sh
# tests/install/: make install/uninstall into temporary prefixes, an
# out-of-tree build through pkg-config (shared and --static), the nm -D
# export check, and the man pages against --help and the exports.
CHECK_SCRIPTS += $(sort $(wildcard tests/install/test_*.sh))
check-build: $(EX_ENV)
# The sanitized re-run of the suite (tests/sanitize.mk) runs these scripts
# too: build the examples there as well.
san-run: $(EX_BINS) $(EX_ENV)
