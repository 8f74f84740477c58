#!/bin/sh
# make install / uninstall as a user of librollmap meets them:
#  1. install into a temporary PREFIX: exactly the documented files, the
#     shared library with its links and SONAME, exports only rm_ names
#     (and exactly the RM_API functions of the installed header);
#  2. pkg-config answers from librollmap.pc alone (no dependency .pc
#     files, no dependency macros in --cflags); build
#     examples/print_holds.c out of tree with those flags and run it on a
#     session made by the installed CLI; link it statically with
#     `pkg-config --static`; check the documented API conventions
#     (api_conventions.c), that handles are opaque, and that every public
#     struct starts from zero as documented in C ({ 0 }) and C++ ({});
#  3. a staged install (DESTDIR) keeps PREFIX in the .pc, a program
#     builds against it through pkg-config, and uninstall removes every
#     file it installed.
# Usage: tests/install/test_install.sh BUILD
set -u
build=${1:?usage: $0 BUILD}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$build" && pwd)
tmp=$(mktemp -d /tmp/rm-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The compiler and flags the library was built with (a sanitizer build
# needs them on the program too); written by examples/examples.mk.
EX_CC=${CC:-cc}
EX_CFLAGS="-std=c11 -Wall -Wextra -Werror"
[ -f "$build/examples/build-env.sh" ] && . "$build/examples/build-env.sh"

version=$(sed -n 's/^#define RM_VERSION_STRING "\(.*\)"$/\1/p' \
          "$build/include/rollmap_version.h")
[ -n "$version" ] || fail "no RM_VERSION_STRING in $build/include"

# make's own output only when it fails. Variables are given explicitly:
# make check's own command line (MAKEFLAGS) reaches this sub-make.
run_make() {
    make -C "$top" --no-print-directory BUILD="$build" "$@" \
        >"$tmp/make.log" 2>&1 || fail "make $*: $(tail -5 "$tmp/make.log")"
}

# --- 1. install into a temporary prefix ----------------------------------
prefix=$tmp/prefix
run_make install DESTDIR= PREFIX="$prefix" MANDIR="$prefix/share/man"
(cd "$prefix" && find . ! -type d | sort) >"$tmp/files"
cat >"$tmp/expected" <<EOF
./bin/rollmap
./include/rollmap.h
./include/rollmap_version.h
./lib/librollmap.a
./lib/librollmap.so
./lib/librollmap.so.$version
./lib/librollmap.so.1
./lib/pkgconfig/librollmap.pc
./share/bash-completion/completions/rollmap
./share/man/man1/rollmap.1
./share/man/man3/librollmap.3
./share/zsh/site-functions/_rollmap
EOF
diff "$tmp/expected" "$tmp/files" >"$tmp/diff" ||
    fail "installed files differ from the documented list: $(cat "$tmp/diff")"

lib=$prefix/lib
[ "$(readlink "$lib/librollmap.so")" = librollmap.so.1 ] ||
    fail "librollmap.so -> $(readlink "$lib/librollmap.so")"
[ "$(readlink "$lib/librollmap.so.1")" = "librollmap.so.$version" ] ||
    fail "librollmap.so.1 -> $(readlink "$lib/librollmap.so.1")"
soname=$(readelf -d "$lib/librollmap.so.$version" |
         sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = librollmap.so.1 ] || fail "SONAME is '$soname'"

# Exports: every defined dynamic symbol starts with rm_ ...
nm -D --defined-only "$lib/librollmap.so.$version" | awk '{ print $3 }' |
    sort >"$tmp/exports"
[ -s "$tmp/exports" ] || fail "nm -D shows no exports"
if grep -v '^rm_' "$tmp/exports" >"$tmp/bad"; then
    fail "exported outside rm_: $(tr '\n' ' ' <"$tmp/bad")"
fi
# ... and they are exactly the RM_API functions of the installed header:
# nothing internal leaks, nothing declared is missing.
tr '\n' ' ' <"$prefix/include/rollmap.h" | sed 's/;/;\n/g' |
    sed -n 's/.*RM_API[^(]*[ *]\(rm_[a-z0-9_]*\)(.*/\1/p' | sort \
    >"$tmp/declared"
[ "$(wc -l <"$tmp/declared")" -gt 50 ] ||
    fail "only $(wc -l <"$tmp/declared") RM_API functions found in rollmap.h"
diff "$tmp/declared" "$tmp/exports" >"$tmp/diff" ||
    fail "exports differ from rollmap.h's RM_API functions (< declared, > exported): $(cat "$tmp/diff")"

# --- 2. a program built out of tree through pkg-config ---------------------
export PKG_CONFIG_PATH="$lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[ "$(pkg-config --modversion librollmap)" = "$version" ] ||
    fail "pkg-config --modversion: $(pkg-config --modversion librollmap)"

# A shared-library user needs librollmap.pc's own flags only: with no
# other .pc file to be found (PKG_CONFIG_LIBDIR empty, as on a machine
# with only the dependencies' runtime packages), pkg-config still
# answers, and --cflags carries no dependency's include path or macro
# (rollmap.h includes only C library headers).
mkdir "$tmp/no-pc"
# (pkg-config's words, without its trailing blank)
nodev() { PKG_CONFIG_LIBDIR=$tmp/no-pc pkg-config "$@" | sed 's/ *$//'; }
[ "$(nodev --cflags librollmap)" = "-I$prefix/include" ] ||
    fail "pkg-config --cflags without the -dev .pc files: '$(nodev --cflags librollmap 2>&1)'"
[ "$(nodev --libs librollmap)" = "-L$lib -lrollmap" ] ||
    fail "pkg-config --libs without the -dev .pc files: '$(nodev --libs librollmap 2>&1)'"
PKG_CONFIG_LIBDIR=$tmp/no-pc pkg-config --static --libs librollmap \
    >"$tmp/static-libs" 2>&1 ||
    fail "pkg-config --static --libs: $(cat "$tmp/static-libs")"
for l in -lsndfile -lserialport -lkissfft-float -ljson-c -lm -lpthread; do
    grep -q -- "$l\b" "$tmp/static-libs" ||
        fail "pkg-config --static --libs lacks $l: $(cat "$tmp/static-libs")"
done
if grep -q -- "-D" "$tmp/static-libs"; then
    fail "a macro in the link flags: $(cat "$tmp/static-libs")"
fi
grep -q '^Requires' "$lib/pkgconfig/librollmap.pc" &&
    fail "librollmap.pc has Requires lines: their Cflags would reach users"
mkdir "$tmp/src"
cp "$top/examples/print_holds.c" "$here/api_conventions.c" "$tmp/src/"
cd "$tmp/src" || fail "cd"
# Built with the flags pkg-config gives when no dependency's .pc exists.
# shellcheck disable=SC2046,SC2086
$EX_CC $EX_CFLAGS print_holds.c $(nodev --cflags --libs librollmap) \
    -o print_holds 2>"$tmp/cc.err" ||
    fail "out-of-tree build: $(cat "$tmp/cc.err")"
"$prefix/bin/rollmap" sim holds -o session.wav -q ||
    fail "installed rollmap sim"
LD_LIBRARY_PATH=$lib ./print_holds session.wav >out.txt 2>err.txt ||
    fail "print_holds (shared): exit $?: $(cat err.txt)"
ldd_lib=$(LD_LIBRARY_PATH=$lib ldd ./print_holds |
          awk '$1 == "librollmap.so.1" { print $3 }')
[ "$ldd_lib" = "$lib/librollmap.so.1" ] ||
    fail "print_holds loads librollmap from '$ldd_lib'"
grep -q "^session.wav: [0-9.]* s, [1-9][0-9]* holds\$" out.txt ||
    fail "print_holds found no holds: $(head -1 out.txt)"

# Static: librollmap.a plus what `pkg-config --static` lists for it
# (Libs.private, Requires.private). The system libraries stay shared.
static_libs=$(pkg-config --static --libs librollmap |
              sed 's/-lrollmap/-Wl,-Bstatic -lrollmap -Wl,-Bdynamic/')
# shellcheck disable=SC2086
$EX_CC $EX_CFLAGS print_holds.c $(pkg-config --static --cflags librollmap) \
    $static_libs -o print_holds_static 2>"$tmp/cc.err" ||
    fail "static link with pkg-config --static: $(cat "$tmp/cc.err")"
if readelf -d print_holds_static | grep -q 'NEEDED.*librollmap'; then
    fail "the static build still needs librollmap.so"
fi
./print_holds_static session.wav >out-static.txt ||
    fail "print_holds (static): exit $?"
cmp -s out.txt out-static.txt || fail "static and shared builds disagree"

# The complete programs in the documentation compile and run: the first
# C block of docs/api.md and the EXAMPLES of librollmap(3).
awk '/^```c$/ { n++; on = (n == 1); next } /^```$/ { on = 0 } on' \
    "$top/docs/api.md" >doc_api.c
sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$top/man/librollmap.3" |
    sed -n '/^\.EX/,/^\.EE/p' | sed '/^\.E[XE]/d; s/\\e/\\/g; s/\\-/-/g' \
    >doc_man.c
for prog in doc_api doc_man; do
    grep -q "int main" $prog.c || fail "$prog.c: no program extracted"
    # shellcheck disable=SC2046,SC2086
    $EX_CC $EX_CFLAGS $prog.c $(pkg-config --cflags --libs librollmap) \
        -o $prog 2>"$tmp/cc.err" ||
        fail "the program in the docs ($prog.c) does not build: $(head -5 "$tmp/cc.err")"
    LD_LIBRARY_PATH=$lib ./$prog session.wav >$prog.out 2>&1 ||
        fail "$prog session.wav: exit $?: $(head -3 $prog.out)"
    # One line per hold, as print_holds counts them.
    n_doc=$(grep -c " s at .* cm, [a-z]* line\$" $prog.out)
    n_ex=$(grep -c '^ *[0-9][0-9]*  ' out.txt)
    [ "$n_doc" -eq "$n_ex" ] && [ "$n_doc" -gt 0 ] ||
        fail "$prog printed $n_doc holds, print_holds $n_ex"
done

# The conventions docs/api.md promises.
# shellcheck disable=SC2046,SC2086
$EX_CC $EX_CFLAGS api_conventions.c $(pkg-config --cflags --libs librollmap) \
    -o api_conventions 2>"$tmp/cc.err" ||
    fail "api_conventions: $(cat "$tmp/cc.err")"
LD_LIBRARY_PATH=$lib ./api_conventions >conv.txt 2>&1 ||
    fail "API conventions broken: $(cat conv.txt)"

# Handles are opaque: sizeof on any of them must not compile.
handles=$(sed -n 's/^typedef struct \(rm_[a-z_]*\) \1;$/\1/p' \
          "$prefix/include/rollmap.h")
[ -n "$handles" ] || fail "no opaque handle typedefs in rollmap.h"
for h in $handles; do
    printf '#include <rollmap.h>\nunsigned long f(void);\nunsigned long f(void) { return sizeof(%s); }\n' \
        "$h" >opaque.c
    # shellcheck disable=SC2046
    if $EX_CC -std=c11 -c opaque.c $(pkg-config --cflags librollmap) \
        -o opaque.o 2>/dev/null; then
        fail "$h is not opaque: sizeof($h) compiles"
    fi
done

# Starting a struct from zero as docs/api.md says, for every public
# struct: `T v = { 0 };` in C, `T v = {};` in C++ (where { 0 } cannot
# initialise a leading enum such as rm_error.code), warnings as errors.
structs=$(sed -n 's/^typedef struct \(rm_[a-z_]*\) {$/\1/p' \
          "$prefix/include/rollmap.h")
[ "$(echo "$structs" | wc -w)" -gt 20 ] ||
    fail "only $(echo "$structs" | wc -w) public structs found"
for lang in c cc; do
    {
        echo '#include <rollmap.h>'
        echo 'int count_zeroed(void);'
        echo 'int count_zeroed(void) {'
        echo '    int n = 0;'
        for t in $structs; do
            if [ $lang = c ]; then
                echo "    $t v_$t = { 0 };"
            else
                echo "    $t v_$t = {};"
            fi
            echo "    n += *(const unsigned char *)&v_$t == 0;"
        done
        echo '    return n;'
        echo '}'
    } >zero.$lang
done
# shellcheck disable=SC2046,SC2086
$EX_CC $EX_CFLAGS -c zero.c $(pkg-config --cflags librollmap) -o zero_c.o \
    2>"$tmp/cc.err" || fail "C: T v = { 0 }: $(head -5 "$tmp/cc.err")"

# C++ programs can include the header (extern "C", no C-only syntax) and
# use the documented idioms.
command -v c++ >/dev/null 2>&1 || fail "no C++ compiler (build-essential)"
cat >cxx.cc <<'EOF_CXX'
#include <rollmap.h>
int count_zeroed();
int main()
{
    rm_error err = {};
    rm_session *s = nullptr;
    rm_status st = rm_session_open("no-such-dir/x.wav", &s, &err);
    if (st == RM_OK || err.code != st || !err.msg[0] || s)
        return 1;
    return count_zeroed() > 20 && rm_strerror(RM_OK) ? 0 : 1;
}
EOF_CXX
# Only the sanitizer flags carry over from the C build (the rest are
# C-only warnings).
san=$(for f in $EX_CFLAGS; do case $f in -fsanitize*) echo "$f" ;; esac; done)
# shellcheck disable=SC2046,SC2086
c++ -std=c++11 -Wall -Wextra -Werror $san cxx.cc zero.cc \
    $(pkg-config --cflags --libs librollmap) -o cxx 2>"$tmp/cc.err" ||
    fail "C++ cannot use rollmap.h as documented: $(head -5 "$tmp/cc.err")"
LD_LIBRARY_PATH=$lib ./cxx || fail "C++ program failed"
cd "$tmp" || fail "cd"

run_make uninstall DESTDIR= PREFIX="$prefix" MANDIR="$prefix/share/man"
left=$(cd "$prefix" && find . ! -type d)
[ -z "$left" ] || fail "uninstall left: $left"

# --- 3. staged install: DESTDIR + PREFIX -----------------------------------
dest=$tmp/dest
run_make install DESTDIR="$dest" PREFIX=/opt/rollmap \
    MANDIR=/opt/rollmap/share/man
pc=$dest/opt/rollmap/lib/pkgconfig/librollmap.pc
[ -f "$pc" ] || fail "DESTDIR install: no $pc"
grep -qx 'prefix=/opt/rollmap' "$pc" ||
    fail "the staged .pc does not say prefix=/opt/rollmap: $(head -1 "$pc")"
[ -f "$dest/opt/rollmap/share/man/man1/rollmap.1" ] ||
    fail "DESTDIR install: no rollmap.1"
# A program built against the staged tree through pkg-config alone (the
# sysroot maps /opt/rollmap into it; no other .pc file is visible).
staged() {
    PKG_CONFIG_PATH=$dest/opt/rollmap/lib/pkgconfig PKG_CONFIG_LIBDIR=$tmp/no-pc \
    PKG_CONFIG_SYSROOT_DIR=$dest pkg-config "$@" | sed 's/ *$//'
}
[ "$(staged --cflags --libs librollmap)" = \
  "-I$dest/opt/rollmap/include -L$dest/opt/rollmap/lib -lrollmap" ] ||
    fail "staged pkg-config: '$(staged --cflags --libs librollmap 2>&1)'"
# shellcheck disable=SC2046,SC2086
$EX_CC $EX_CFLAGS "$tmp/src/print_holds.c" $(staged --cflags --libs librollmap) \
    -o "$tmp/print_holds_staged" 2>"$tmp/cc.err" ||
    fail "build against the DESTDIR install: $(cat "$tmp/cc.err")"
(cd "$tmp/src" && LD_LIBRARY_PATH=$dest/opt/rollmap/lib \
    "$tmp/print_holds_staged" session.wav >"$tmp/out-staged.txt") ||
    fail "print_holds against the DESTDIR install: exit $?"
cmp -s "$tmp/src/out.txt" "$tmp/out-staged.txt" ||
    fail "the DESTDIR-built program prints something else"
run_make uninstall DESTDIR="$dest" PREFIX=/opt/rollmap \
    MANDIR=/opt/rollmap/share/man
left=$(cd "$dest" && find . ! -type d)
[ -z "$left" ] || fail "DESTDIR uninstall left: $left"

echo "install: $(wc -l <"$tmp/exports") exports, all rm_; shared, static," \
     "C++ and out-of-tree builds work; uninstall removes everything"
