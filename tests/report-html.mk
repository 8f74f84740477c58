# The browser check's fixture: writes reports of a hand-built summary
# (tests/unit/check_report_fixture.h) so the HTML can be rendered without
# the engine. Built on demand by tests/cli/test_report_html.sh.
REPORT_FIXTURE := $(BUILD)/tests/html/report-fixture

$(REPORT_FIXTURE): $(BUILD)/tests/html/fixture.o $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS)

-include $(BUILD)/tests/html/fixture.d
