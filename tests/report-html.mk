# The browser check's fixture: writes reports of a hand-built summary
# (tests/unit/check_report_fixture.h) so the HTML can be rendered without
# the engine. `make check` builds it with the build's own flags (so
# sanitizer builds link) and runs it bare as a smoke test; then
# tests/cli/test_report_html.sh renders its HTML.
REPORT_FIXTURE := $(BUILD)/tests/html/report-fixture
CHECK_PROGRAMS += $(REPORT_FIXTURE)

$(REPORT_FIXTURE): $(BUILD)/tests/html/fixture.o $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS)

-include $(BUILD)/tests/html/fixture.d
