#!/usr/bin/env bash
# Replays the SMT-LIB 2 queries `verify --smt2 DIR` wrote with a second solver (cvc5) and
# requires the answer Z3 gave, recorded in each file's `(set-info :status ...)`.
# Usage: scripts/replay-smt2.sh DIR [SECONDS-PER-QUERY]
# cvc5 runs with eager bit-blasting: its default lazy bit-vector solver did not answer the
# borrow-count queries (sums over every frame slot) in 120 s; eagerly, each takes under 5 s.
set -uo pipefail
dir=${1:?usage: replay-smt2.sh DIR [SECONDS-PER-QUERY]}
limit=${2:-60}
command -v cvc5 >/dev/null || { echo "replay-smt2: cvc5 not found (scripts/install-deps.sh installs it)" >&2; exit 2; }
shopt -s nullglob
files=("$dir"/*.smt2)
((${#files[@]})) || { echo "replay-smt2: no .smt2 files in $dir" >&2; exit 2; }
agreed=0
disagreed=0
start=$SECONDS
for f in "${files[@]}"; do
    expected=$(sed -n 's/^(set-info :status \(sat\|unsat\|unknown\))$/\1/p' "$f" | head -1)
    if [[ -z $expected || $expected == unknown ]]; then
        echo "replay-smt2: $f: no sat/unsat status from Z3 to compare with" >&2
        disagreed=$((disagreed + 1))
        continue
    fi
    answer=$(timeout "$limit" cvc5 --lang smt2 --bitblast=eager "$f" 2>&1 | head -1)
    [[ -n $answer ]] || answer="no answer in ${limit} s"
    if [[ $answer == "$expected" ]]; then
        agreed=$((agreed + 1))
    else
        echo "replay-smt2: $f: Z3 answered $expected, cvc5 answered: $answer" >&2
        disagreed=$((disagreed + 1))
    fi
done
echo "replay-smt2: cvc5 $(cvc5 --version | sed -n 's/^This is cvc5 version //p'): ${agreed}/${#files[@]} queries answered as Z3 answered, in $((SECONDS - start)) s"
((disagreed == 0))
