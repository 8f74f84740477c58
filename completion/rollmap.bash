# bash completion for rollmap(1). Installed by `make install` as
# PREFIX/share/bash-completion/completions/rollmap.
#
# Commands come from `rollmap --help`; each command's options and their
# values from `rollmap CMD --help` (so a new option completes without an
# edit here): a value shown as a|b|c completes to its words, FORMAT to
# the formats the help line lists, --sim[=SCENARIO] and sim's argument
# to the scenarios of `rollmap sim --help`. Session arguments complete to
# .wav files, --truth to .json files, --port to serial devices.

# Lines "OPTION<TAB>VALUE<TAB>DESCRIPTION" for each option of `rollmap CMD
# --help`; VALUE is empty for a flag, "=X" when the value is optional.
_rollmap_options()
{
    "$1" "$2" --help 2>/dev/null | sed -n \
        's/^  *\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\)\(\[=[A-Za-z]*\]\)\{0,1\} \{0,1\}\([^ ]*\) *\(.*\)$/\2\t\3\4\t\5/p' |
        sed 's/\t\[\(=[A-Za-z]*\)\]/\t\1/'
}

_rollmap_scenarios()
{
    "$1" sim --help 2>/dev/null |
        sed -n '/^Scenarios/,/^$/s/^  \([a-z][a-z0-9_-]*\)  .*/\1/p'
}

# Files ending in $1 (and directories, to walk into).
_rollmap_files()
{
    local IFS=$'\n' f
    compopt -o filenames 2>/dev/null
    for f in $(compgen -d -- "$cur"); do COMPREPLY+=("$f"); done
    for f in $(compgen -f -X "!*$1" -- "$cur"); do
        [ -d "$f" ] || COMPREPLY+=("$f")
    done
}

_rollmap()
{
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]}
    # The program as typed (./build/rollmap works too); ~ expanded.
    [[ $prog == "~"* ]] && prog=$HOME${prog#"~"}
    if [ "$COMP_CWORD" -eq 1 ]; then
        local cmds
        cmds=$("$prog" --help 2>/dev/null |
               sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
        COMPREPLY=($(compgen -W "$cmds help --help --version" -- "$cur"))
        return 0
    fi
    local cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
            sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')" -- "$cur"))
        return 0
    fi
    local table
    table=$(_rollmap_options "$prog" "$cmd")

    # The value of --opt=VALUE: bash splits it into "--opt" "=" "VALUE"
    # (COMP_WORDBREAKS has '='), or leaves one word when it does not.
    local opt=$prev value=$cur eq=0 joined=0
    if [ "$cur" = "=" ]; then
        value="" eq=1
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 3 ]; then
        opt=${COMP_WORDS[COMP_CWORD-2]} eq=1
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} value=${cur#*=} eq=1 joined=1
    fi
    # Short options name their long form on the same help line.
    if [[ $opt == -[A-Za-z] ]]; then
        opt=$("$prog" "$cmd" --help 2>/dev/null |
              sed -n "s/^  *$opt, \(--[a-z][a-z0-9-]*\).*/\1/p" | head -1)
    fi
    local line kind="" desc=""
    if [[ $opt == --* ]]; then
        line=$(printf '%s\n' "$table" | awk -F'\t' -v o="$opt" '$1 == o')
        kind=$(printf '%s' "$line" | cut -f2)
        desc=$(printf '%s' "$line" | cut -f3)
    fi
    # An optional value only in the --opt=VALUE form.
    if [[ $kind == =* && $eq -eq 0 ]]; then
        kind=""
    fi
    kind=${kind#=}
    if [ -n "$kind" ]; then
        local words=""
        cur=$value
        case $opt:$kind in
        *:*"|"*)   words=${kind//|/ } ;;
        --format:*)
            words=$(printf '%s' "$desc" | sed 's/(.*//; s/,/ /g; s/ or / /g') ;;
        --sim:*|*:SCEN*) words=$(_rollmap_scenarios "$prog") ;;
        --truth:*) _rollmap_files .json ;;
        --port:*)
            COMPREPLY=($(compgen -W "- $(ls /dev/serial/by-id/* /dev/ttyUSB* /dev/ttyACM* 2>/dev/null)" -- "$cur")) ;;
        --output:*)
            if [ "$cmd" = sim ] || [ "$cmd" = record ]; then
                _rollmap_files .wav
            else
                _rollmap_files ""
            fi ;;
        *:FILE*|*:OUT*) _rollmap_files "" ;;
        esac
        [ -n "$words" ] && COMPREPLY=($(compgen -W "$words" -- "$cur"))
        if [ $joined -eq 1 ]; then
            local i
            for i in "${!COMPREPLY[@]}"; do
                COMPREPLY[i]=$opt=${COMPREPLY[i]}
            done
        fi
        return 0
    fi

    if [[ $cur == -* ]]; then
        local opts
        opts=$(printf '%s\n' "$table" | cut -f1)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi
    case $cmd in
    sim)   COMPREPLY=($(compgen -W "$(_rollmap_scenarios "$prog")" -- "$cur")) ;;
    report|info|replay|trend|tag) _rollmap_files .wav ;;
    esac
    return 0
}
complete -F _rollmap rollmap
