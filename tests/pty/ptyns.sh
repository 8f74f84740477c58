#!/bin/sh
# Run a command with a pseudo-terminal posing as a real serial port, so the
# libserialport path (sp_get_port_by_name, sp_open, configuration, reads)
# can be tested without hardware. Needs root (a private mount namespace).
#
#   tests/pty/ptyns.sh BUILD SLAVE -- CMD [ARG...]
#
# Inside a private mount namespace, binds the pty slave SLAVE over an
# existing /dev/ttyS* node (libserialport needs its sysfs entry) and runs
# CMD with the ioctl shim preloaded (ptys lack the modem lines sp_open
# asks for). '@PORT@' in the arguments becomes that node's path. The bind
# mount vanishes with the namespace: the host's /dev is never touched.
set -e
build=$1; slave=$2; shift 2
[ "$1" = "--" ] && shift
if [ -z "$ROLLMAP_IN_PTYNS" ]; then
    ROLLMAP_IN_PTYNS=1 exec unshare -m --propagation private \
        "$0" "$build" "$slave" -- "$@"
fi
node=""
for n in /dev/ttyS0 /dev/ttyS1 /dev/ttyS2 /dev/ttyS3; do
    [ -c "$n" ] && [ -e "/sys/class/tty/$(basename "$n")" ] && { node=$n; break; }
done
[ -n "$node" ] || { echo "ptyns: no /dev/ttyS* node with a sysfs entry" >&2; exit 77; }
mount --bind "$slave" "$node"
shim=$(cd "$build/tests/pty" && pwd)/ptyshim.so
for a in "$@"; do
    [ "$a" = "@PORT@" ] && a=$node
    set -- "$@" "$a"; shift
done
# A sanitizer build wants its runtime first among preloaded libraries.
asan=$(ldd "$1" 2>/dev/null | sed -n 's/.*libasan[^ ]* => \([^ ]*\).*/\1/p')
LD_PRELOAD="${asan:+$asan }$shim" exec "$@"
