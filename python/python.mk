# make python: the rollmap Python package (python/, issue 17) for the
# build tree: $(BUILD)/python/rollmap is the package plus _buildlib.py
# naming this build's librollmap, so PYTHONPATH=$(BUILD)/python gives
# Debian's /usr/bin/python3 an importable rollmap with nothing installed.
# `pip install ./python --no-build-isolation` installs it for the
# installed library instead (docs/python.md). make check runs its pytest
# suite (python/run-tests.sh) against the build tree.
PY_PKG_SRC := $(sort $(wildcard python/rollmap/*.py)) python/rollmap/_cdef.h
PY_PKG_DIR := $(BUILD)/python/rollmap

.PHONY: python
python: $(SHARED_LIB) $(CLI) $(PY_PKG_DIR)/_buildlib.py

$(PY_PKG_DIR)/_buildlib.py: $(PY_PKG_SRC) $(SHARED_LIB)
	@mkdir -p $(PY_PKG_DIR)
	@$(if $(Q),echo "  PY      $(PY_PKG_DIR)")
	$(Q)rm -f $(PY_PKG_DIR)/*.py && cp $(PY_PKG_SRC) $(PY_PKG_DIR)/
	$(Q)echo 'LIB = "$(abspath $(BUILD))/$(SONAME)"' > $@

check-build: python
CHECK_SCRIPTS += python/run-tests.sh
# bench/run.py's "python" section times the build tree's package.
bench: python
