#!/usr/bin/env bash
# Measures netid against a pass-through kyaml function (read the ResourceList,
# write it back) on synthetic estates: wall time and peak memory (max RSS) of
# the real binaries, median of REPS runs. Prints a Markdown table.
#
#   hack/bench.sh            # 10 100 1000 5000 workloads, 3 runs each
#   SIZES="1000" REPS=5 hack/bench.sh
#
# The Go benchmarks (make bench) measure the same in-process, with allocations.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-10 100 1000 5000}"
REPS="${REPS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -trimpath -o "$work/netid" ./fn
CGO_ENABLED=0 go build -trimpath -o "$work/passthrough" ./hack/bench/passthrough

# measure BIN INPUT: prints "seconds kilobytes" of the median run (by time).
measure() {
  local bin="$1" input="$2" i
  for ((i = 0; i < REPS; i++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" < "$input" > /dev/null
    cat "$work/time"
  done | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"
}

echo "| workloads | input | pass-through: time, peak RSS | netid: time, peak RSS | ratio time, memory |"
echo "|---|---|---|---|---|"
for n in $SIZES; do
  go run ./hack/bench/estate -n "$n" > "$work/in.yaml"
  size=$(( $(wc -c < "$work/in.yaml") / 1024 ))
  read -r pt pm < <(measure "$work/passthrough" "$work/in.yaml")
  read -r nt nm < <(measure "$work/netid" "$work/in.yaml")
  awk -v n="$n" -v size="$size" -v pt="$pt" -v pm="$pm" -v nt="$nt" -v nm="$nm" 'BEGIN {
    ratio = (pt > 0.005) ? sprintf("%.1f×", nt / pt) : "-"
    printf "| %d | %d KiB | %.2f s, %d MiB | %.2f s, %d MiB | %s, %.1f× |\n", n, size, pt, pm/1024, nt, nm/1024, ratio, nm/pm }'
done
