# rollmap: one Makefile for the library, the CLI, the firmware and the tests.
#
#   make            library (static + shared) and the rollmap CLI
#   make check      every test (installs the missing test and firmware
#                   tools first; says what it runs, ends "check: N passed,
#                   M failed")
#   make demo       the main job on a built-in default session (installs
#                   only the library's dependencies and the compiler)
#   make deps       every package any target needs (tools/install-deps all)
#   make install    PREFIX=/usr/local DESTDIR= (library, header, .pc, CLI,
#                   man pages, shell completion; make uninstall removes
#                   exactly those)
#   make samples    regenerate samples/ from the simulator
#
# Out-of-tree builds: make BUILD=build-asan CFLAGS_EXTRA=-fsanitize=address
# Pieces of the tree add their own targets through */*.mk files (included
# below), so new test kinds need no edit here.

VERSION_MAJOR := 0
VERSION_MINOR := 2
VERSION_PATCH := 0
VERSION       := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
MANDIR  ?= $(PREFIX)/share/man
CC      ?= cc
PKG_CONFIG ?= pkg-config

PKGS := sndfile libserialport kissfft-float json-c
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

# Quiet pkg-config failures here: a fresh machine gets them via install-deps.
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# The CLI alone serves the live web view (host/web.c): not in librollmap.pc.
CLI_PKGS   := libmicrohttpd
CLI_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(CLI_PKGS) 2>/dev/null)
CLI_LIBS   := $(shell $(PKG_CONFIG) --libs $(CLI_PKGS) 2>/dev/null)

WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) \
              $(CFLAGS) $(CFLAGS_EXTRA) -fPIC -fvisibility=hidden \
              -Ilib -I$(BUILD)/include $(PKG_CFLAGS)
LDLIBS := $(PKG_LIBS) -lm -lpthread
ALL_LDFLAGS := $(LDFLAGS) $(CFLAGS_EXTRA)

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
HOST_SRC := $(sort $(wildcard host/*.c))
HOST_OBJ := $(HOST_SRC:%.c=$(BUILD)/%.o) \
            $(patsubst %.S,$(BUILD)/%.o,$(wildcard host/*.S))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
SUITES   := $(patsubst tests/unit/check_%.c,%,$(wildcard tests/unit/check_*.c))

STATIC_LIB := $(BUILD)/librollmap.a
SONAME     := librollmap.so.1
SHARED_LIB := $(BUILD)/librollmap.so.$(VERSION)
CLI        := $(BUILD)/rollmap
UNIT_BIN   := $(BUILD)/check_unit
VERSION_H  := $(BUILD)/include/rollmap_version.h

# Every test program make check runs; */*.mk files append to it.
CHECK_PROGRAMS := $(UNIT_BIN)
CHECK_SCRIPTS  := $(sort $(wildcard tests/cli/test_*.sh))

.PHONY: all deps check check-build demo install uninstall samples clean
all: $(STATIC_LIB) $(SHARED_LIB) $(CLI)

deps:
	@tools/install-deps all

# Sub-makes of check and demo use every core unless make was given -j.
JOBS = $$(case "$$MAKEFLAGS" in *jobserver*|*-j*) ;; *) echo -j$$(nproc) ;; esac)

$(VERSION_H): lib/rollmap_version.h.in Makefile
	@mkdir -p $(dir $@)
	$(Q)sed -e 's/@MAJOR@/$(VERSION_MAJOR)/' -e 's/@MINOR@/$(VERSION_MINOR)/' \
	    -e 's/@PATCH@/$(VERSION_PATCH)/' $< > $@

# Quiet by default; make V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c $(VERSION_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Assembler files embed assets (.incbin, path from the top directory).
$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -c $< -o $@
$(BUILD)/host/web_page.o: host/web_page.html
$(HOST_OBJ): ALL_CFLAGS += $(CLI_CFLAGS)

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
	$(Q)ln -sf librollmap.so.$(VERSION) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(BUILD)/librollmap.so

$(CLI): $(HOST_OBJ) $(STATIC_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(HOST_OBJ) $(STATIC_LIB) $(LDLIBS) $(CLI_LIBS)

$(BUILD)/tests/unit/suites.h: $(wildcard tests/unit/check_*.c)
	@mkdir -p $(dir $@)
	@{ for s in $(SUITES); do echo "Suite *$${s}_suite(void);"; done; \
	   echo "#define RM_ALL_SUITES \\"; \
	   for s in $(SUITES); do echo "    $${s}_suite, \\"; done; echo; } > $@

$(BUILD)/tests/unit/main.o: $(BUILD)/tests/unit/suites.h
# Check's START_TEST functions and <module>_suite() have no prototypes.
$(BUILD)/tests/%.o: ALL_CFLAGS += -Wno-missing-prototypes -I$(BUILD)/tests/unit \
                                  $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
$(UNIT_BIN): $(UNIT_OBJ) $(STATIC_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJ) $(STATIC_LIB) $(LDLIBS) $$($(PKG_CONFIG) --libs check)

-include $(sort $(wildcard */*.mk))

# The toolchains other than the compiler come with the targets that use
# them (tools/install-deps GROUP; silent when installed).
.PHONY: deps-firmware deps-test deps-docs
deps-firmware: ; @tools/install-deps firmware
deps-test: ; @tools/install-deps test
deps-docs: ; @tools/install-deps docs
$(FW_ELF) $(FW_ELF_1M): | deps-firmware
fuzz-build: | deps-test
docs docs-lint: | deps-docs

# What the tests need is built by check-build (*/*.mk files add to it),
# after the plan is printed and the packages are there.
check:
	@tests/run-all --plan $(BUILD) $(CHECK_PROGRAMS) -- $(CHECK_SCRIPTS)
	@tools/install-deps build test firmware
	@$(MAKE) $(JOBS) -s --no-print-directory check-build
	@tests/run-all $(BUILD) $(CHECK_PROGRAMS) -- $(CHECK_SCRIPTS)

check-build: all $(CHECK_PROGRAMS)

demo:
	@tools/install-deps build
	@$(MAKE) $(JOBS) -s --no-print-directory all
	@tools/demo $(BUILD)

samples: all
	tools/make-samples $(CLI)

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	           $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	           $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(PREFIX)/lib/
	ln -sf librollmap.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/librollmap.so
	install -m 644 lib/rollmap.h $(VERSION_H) $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@PRIVATE_LIBS@|$(PKG_LIBS)|' lib/librollmap.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/librollmap.pc
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/rollmap.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/librollmap.3 $(DESTDIR)$(MANDIR)/man3/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completion/rollmap.bash $(DESTDIR)$(BASHCOMPDIR)/rollmap
	sed 's|@BASHCOMP@|$(BASHCOMPDIR)/rollmap|' completion/_rollmap \
	    > $(DESTDIR)$(ZSHCOMPDIR)/_rollmap

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/librollmap.a \
	      $(DESTDIR)$(PREFIX)/lib/librollmap.so.$(VERSION) \
	      $(DESTDIR)$(PREFIX)/lib/$(SONAME) \
	      $(DESTDIR)$(PREFIX)/lib/librollmap.so \
	      $(DESTDIR)$(PREFIX)/include/rollmap.h \
	      $(DESTDIR)$(PREFIX)/include/rollmap_version.h \
	      $(DESTDIR)$(PREFIX)/lib/pkgconfig/librollmap.pc \
	      $(DESTDIR)$(PREFIX)/bin/rollmap \
	      $(DESTDIR)$(MANDIR)/man1/rollmap.1 \
	      $(DESTDIR)$(MANDIR)/man3/librollmap.3 \
	      $(DESTDIR)$(BASHCOMPDIR)/rollmap \
	      $(DESTDIR)$(ZSHCOMPDIR)/_rollmap

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(HOST_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
