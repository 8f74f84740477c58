# tests/web.mk: the web live view (record/replay --web) in make check:
# tests/web/test_liveview_web.sh (headless Chromium over the DevTools
# pipe, tests/web/cdp.py; skips without a browser or python3-pyte).
CHECK_SCRIPTS += $(sort $(wildcard tests/web/test_*.sh))
