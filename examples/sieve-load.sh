#!/bin/sh
# What Sieve costs at delivery (#20: "the end-to-end SMTP load with a 20-rule active script
# for the recipient costs at most 15% of throughput"): examples/smtp-load.sh run alternately
# without a script and with examples/sieve-load/rules.sieve (twenty rules: header, address,
# envelope, relational and body tests, fileinto, imap4flags) active for every recipient,
# RUNS times each, the same realistic 4 KiB message each time. Prints every run and the
# medians. Release build; other load on the machine shows as noise, so alternate and repeat.
set -eu
RUNS=${RUNS:-3}
HERE=$(dirname "$0")
export MESSAGE="$HERE/sieve-load/message.eml"
rate() { sed -n 's/.*end to end (accept + deliver): \([0-9]*\) msgs\/s.*/\1/p'; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
: >"${TMPDIR:-/tmp}/sieve-load.none.$$"
: >"${TMPDIR:-/tmp}/sieve-load.sieve.$$"
trap 'rm -f "${TMPDIR:-/tmp}/sieve-load.none.$$" "${TMPDIR:-/tmp}/sieve-load.sieve.$$"' EXIT
i=1
while [ "$i" -le "$RUNS" ]; do
  for mode in none sieve; do
    if [ "$mode" = sieve ]; then out=$(SIEVE="$HERE/sieve-load/rules.sieve" sh "$HERE/smtp-load.sh")
    else out=$(SIEVE='' sh "$HERE/smtp-load.sh"); fi
    r=$(echo "$out" | rate)
    echo "run $i $mode: ${r:-?} msgs/s ($(echo "$out" | grep -o 'delivered into Maildirs: [0-9]*'))"
    echo "${r:-0}" >>"${TMPDIR:-/tmp}/sieve-load.$mode.$$"
  done
  i=$((i + 1))
done
N=$(median <"${TMPDIR:-/tmp}/sieve-load.none.$$")
S=$(median <"${TMPDIR:-/tmp}/sieve-load.sieve.$$")
echo "median without a script: $N msgs/s; with the 20-rule script: $S msgs/s; cost: $(awk "BEGIN{if ($N>0) printf \"%.1f\", 100*($N-$S)/$N; else print \"?\"}")%"
