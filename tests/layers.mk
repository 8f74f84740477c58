# make check: the module layering of docs/architecture.md, checked on the
# object files' symbols (tests/layers/test_layers.sh, nm): each lib/
# module uses only itself and the modules below it; the CLI only the
# exported rm_ names.
CHECK_SCRIPTS += tests/layers/test_layers.sh
