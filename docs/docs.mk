# docs/docs.mk: the API reference (doxygen, docs/Doxyfile) from
# lib/rollmap.h's comments, with docs/api.md as the front page.
#
#   make docs        HTML in BUILD/docs/html/index.html
#   make docs-lint   the same, listing what still has no comment
#
# Output stays under the build directory; nothing is committed.

DOCS_OUT := $(BUILD)/docs
DOCS_ENV  = RM_DOCS_OUT=$(DOCS_OUT) RM_DOCS_VERSION=$(VERSION) \
            RM_DOCS_VERSION_H=$(VERSION_H)

.PHONY: docs docs-lint
docs: $(VERSION_H)
	@command -v doxygen >/dev/null || { echo "docs: doxygen missing (make deps)" >&2; exit 1; }
	@rm -rf $(DOCS_OUT) && mkdir -p $(DOCS_OUT)
	$(Q)$(DOCS_ENV) RM_DOCS_EXTRACT_ALL=YES doxygen docs/Doxyfile
	@echo "docs: $(DOCS_OUT)/html/index.html" \
	      "($$(grep -c 'warning:' $(DOCS_OUT)/warnings.txt) warnings in $(DOCS_OUT)/warnings.txt)"

docs-lint: $(VERSION_H)
	@command -v doxygen >/dev/null || { echo "docs: doxygen missing (make deps)" >&2; exit 1; }
	@rm -rf $(DOCS_OUT)-lint && mkdir -p $(DOCS_OUT)-lint
	$(Q)$(DOCS_ENV) RM_DOCS_OUT=$(DOCS_OUT)-lint RM_DOCS_EXTRACT_ALL=NO \
	    doxygen docs/Doxyfile
	@sed 's|^.*/||' $(DOCS_OUT)-lint/warnings.txt
	@echo "docs-lint: $$(grep -c 'warning:' $(DOCS_OUT)-lint/warnings.txt) warnings"
