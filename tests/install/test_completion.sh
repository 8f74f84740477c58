#!/bin/sh
# Shell completion as `make install` puts it: the bash file is installed
# where bash-completion looks (PREFIX/share/bash-completion/completions)
# and, sourced into a bare bash, completes commands, each command's
# options, option values (legs, formats, scenarios, both --opt VALUE and
# --opt=VALUE as bash splits it), and session arguments to .wav files
# only; `help` completes to commands. The zsh file is installed beside it
# and, when zsh is there, loads and registers the same completion.
# Usage: tests/install/test_completion.sh BUILD
set -u
build=${1:?usage: $0 BUILD}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$build" && pwd)
tmp=$(mktemp -d /tmp/rm-compl.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$tmp/prefix
make -C "$top" --no-print-directory BUILD="$build" install DESTDIR= \
    PREFIX="$prefix" MANDIR="$prefix/share/man" >"$tmp/make.log" 2>&1 ||
    fail "make install: $(tail -5 "$tmp/make.log")"
bashfile=$prefix/share/bash-completion/completions/rollmap
zshfile=$prefix/share/zsh/site-functions/_rollmap
[ -f "$bashfile" ] || fail "no $bashfile"
[ -f "$zshfile" ] || fail "no $zshfile"

# A directory with one file of each kind the completion tells apart.
mkdir "$tmp/work" "$tmp/work/sub"
touch "$tmp/work/calf.wav" "$tmp/work/truth.json" "$tmp/work/notes.txt"

# Each case: the words on the line (the last one is being completed),
# then after '=>' the completions wanted, in order.
cat >"$tmp/cases" <<'EOF_CASES'
rollmap | => record replay report info sim trend tag sessions ports calibrate help --help --version
rollmap re| => record replay report
rollmap help | => record replay report info sim trend tag sessions ports calibrate
rollmap help s| => sessions sim
rollmap sim | => basic holds clean noisy stress short
rollmap sim st| => stress
rollmap sim --| => --output --truth --seed --duration --leg --physics --list-physics --person --day --measured-length --force --quiet --json --help
rollmap sim --j| => --json
rollmap sim --leg | => left right
rollmap sim -l r| => right
rollmap record --leg = | => left right
rollmap record --sim = | => basic holds clean noisy stress short
rollmap record --sim = n| => noisy
rollmap record --sim=sh| => --sim=short
rollmap record --q| => --quiet
rollmap record --calf| => --calf-length
rollmap tag --calf| => --calf-length
rollmap tag c| => calf.wav
rollmap report -f | => text json csv svg html
rollmap report --format = s| => svg
rollmap trend --format | => text json svg html
rollmap report | => sub calf.wav
rollmap info c| => calf.wav
rollmap sim --truth | => sub truth.json
rollmap replay --| => --speed --from --leg --quiet --plain --color --bell --web --help
EOF_CASES

cat >"$tmp/drive.bash" <<EOF_DRIVE
. "$bashfile"
complete -p rollmap | grep -q -- '-F _rollmap' || { echo "not registered"; exit 1; }
PATH="$prefix/bin:\$PATH"
cd "$tmp/work" || exit 1
status=0
while IFS= read -r line; do
    words=\${line%% => *}
    want=\${line#* => }
    read -r -a COMP_WORDS <<<"\${words%|}"
    # A trailing space before '|' means a new, empty word.
    [[ \$words == *" |" ]] && COMP_WORDS+=("")
    COMP_CWORD=\$(( \${#COMP_WORDS[@]} - 1 ))
    COMP_LINE=\${words%|}
    COMP_POINT=\${#COMP_LINE}
    COMPREPLY=()
    _rollmap
    got=\$(printf '%s\n' "\${COMPREPLY[@]}" | sort | tr '\n' ' ')
    exp=\$(printf '%s\n' \$want | sort | tr '\n' ' ')
    if [ "\$got" != "\$exp" ]; then
        echo "'\$words': got '\$got', want '\$exp'"
        status=1
    fi
done <"$tmp/cases"
exit \$status
EOF_DRIVE
bash --norc --noprofile "$tmp/drive.bash" >"$tmp/out" 2>&1 ||
    fail "bash completion: $(cat "$tmp/out")"
[ -s "$tmp/out" ] && fail "bash completion printed: $(cat "$tmp/out")"

# zsh: the file is a completion function for rollmap (#compdef) and,
# through bashcompinit, registers _rollmap.
head -1 "$zshfile" | grep -qx '#compdef rollmap' || fail "$zshfile: no #compdef line"
if command -v zsh >/dev/null 2>&1; then
    # compinit files it under rollmap; run as the completion system runs
    # it, the file's body registers the bash function for rollmap.
    zsh -f -c "fpath=(${zshfile%/*} \$fpath)
        autoload -U compinit && compinit -u -D
        print -r -- \"before: \$_comps[rollmap]\"
        eval \"\$(sed '\$d' '$zshfile')\"
        print -r -- \"after: \$_comps[rollmap]\"
        whence -w _rollmap" >"$tmp/zsh.out" 2>&1 ||
        fail "zsh: $(cat "$tmp/zsh.out")"
    grep -qx "before: _rollmap" "$tmp/zsh.out" &&
        grep -qx "after: _bash_complete -F _rollmap" "$tmp/zsh.out" &&
        grep -qx "_rollmap: function" "$tmp/zsh.out" ||
        fail "zsh: $(cat "$tmp/zsh.out")"
fi

n=$(grep -c . "$tmp/cases")
echo "completion: $n bash cases; installed for bash and zsh"
