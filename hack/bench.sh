#!/usr/bin/env bash
# Measures netid against a pass-through kyaml function (read the ResourceList,
# write it back, hack/bench/passthrough) on synthetic estates
# (hack/bench/estate -n N), with measures that hold still on a shared, noisy
# machine: CPU time (user+sys) and peak memory (max RSS) of the real binaries,
# median of REPS runs each, and, where valgrind is installed, the instructions
# each executes (callgrind) at the sizes in SIZES_CALLGRIND (callgrind runs
# about 50x slower). Wall time is not reported: other work on the machine
# moves it, not the program.
#
# Prints Markdown: one table row per size with the netid/pass-through ratios,
# then the growth exponent of each program's CPU time and memory from the
# smallest size of at least 1,000 workloads to the largest
# (log(t2/t1) / log(n2/n1): 1 is linear).
#
#   hack/bench.sh                                  # all sizes, 3 runs each
#   SIZES="1000 10000" REPS=5 hack/bench.sh
#   SIZES_CALLGRIND="" hack/bench.sh               # no callgrind
#   NATIVE_SIZES="" hack/bench.sh                  # no native dialects
#
# A second table measures netid's renders in each CNI's own dialect
# (hack/bench/estate -cni, a ClusterNetworkIdentity with dialect: native,
# proved by the multi-layer model) beside the NetworkPolicy render, at
# NATIVE_SIZES (default 1000 5000 20000), with the growth exponent of each.
#
# Then hack/bench/kustomize.sh measures kustomize without a function, with
# the pass-through and with netid, kpt fn render and the pipe form, at
# KUSTOMIZE_SIZES (default 100 300 1000; its other sizes are its own
# settings), with REPS runs each, and prints its own tables.
#
# Progress goes to stderr, the tables to stdout. The Go benchmarks (make
# bench) measure the same in-process, with allocations.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-300 1000 5000 10000 20000}"
REPS="${REPS:-3}"
SIZES_CALLGRIND="${SIZES_CALLGRIND-300 1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log() { echo "bench: $*" >&2; }

log "building netid and the pass-through"
CGO_ENABLED=0 go build -trimpath -o "$work/netid" ./fn
CGO_ENABLED=0 go build -trimpath -o "$work/passthrough" ./hack/bench/passthrough
mkdir -p "$work/estates"

# measure BIN INPUT: prints "cpu-seconds kilobytes", the medians of REPS runs.
measure() {
  local bin="$1" input="$2" i
  for ((i = 0; i < REPS; i++)); do
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$bin" < "$input" > /dev/null
    awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$work/time"
  done > "$work/runs"
  local mid=$(( (REPS + 1) / 2 ))
  echo "$(cut -d' ' -f1 "$work/runs" | sort -g | sed -n "${mid}p") $(cut -d' ' -f2 "$work/runs" | sort -n | sed -n "${mid}p")"
}

# instructions BIN INPUT: prints the instructions callgrind counts, or "-".
# Go 1.26 needs the two GODEBUG settings under valgrind 3.19.
instructions() {
  local bin="$1" input="$2"
  GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$bin" < "$input" > /dev/null 2> "$work/cg.err" || { echo "-"; return; }
  awk '/^(summary|totals):/ { print $2; exit }' "$work/cg.out"
}

has_valgrind=false
if command -v valgrind > /dev/null; then
  has_valgrind=true
else
  log "valgrind not installed: no instruction counts"
fi

echo "| workloads | input | pass-through: CPU, peak RSS | netid: CPU, peak RSS | netid / pass-through: CPU, memory | instructions: pass-through, netid, ratio |"
echo "|---|---|---|---|---|---|"
: > "$work/points"
for n in $SIZES; do
  in="$work/estates/in-$n.yaml"
  go run ./hack/bench/estate -n "$n" > "$in"
  size=$(( $(wc -c < "$in") / 1024 ))
  log "$n workloads: CPU and memory, $REPS runs each"
  read -r pt pm < <(measure "$work/passthrough" "$in")
  read -r nt nm < <(measure "$work/netid" "$in")
  pi="-" ni="-"
  if $has_valgrind && [[ " $SIZES_CALLGRIND " == *" $n "* ]]; then
    log "$n workloads: callgrind (slow)"
    pi=$(instructions "$work/passthrough" "$in")
    ni=$(instructions "$work/netid" "$in")
  fi
  echo "$n $pt $pm $nt $nm" >> "$work/points"
  awk -v n="$n" -v size="$size" -v pt="$pt" -v pm="$pm" -v nt="$nt" -v nm="$nm" -v pi="$pi" -v ni="$ni" 'BEGIN {
    cpu = (pt > 0) ? sprintf("%.2f×", nt / pt) : "-"
    ins = "-"
    if (pi != "-" && ni != "-") ins = sprintf("%.2fG, %.2fG, %.2f×", pi / 1e9, ni / 1e9, ni / pi)
    printf "| %d | %d KiB | %.2f s, %d MiB | %.2f s, %d MiB | %s, %.2f× | %s |\n", n, size, pt, pm / 1024, nt, nm / 1024, cpu, nm / pm, ins }'
done

# growth FILE WHAT NAME...: the growth exponent of each column after the
# first (the workloads) of FILE, from the smallest size of at least 1,000 to
# the largest, named in order ("CPU pass-through" ...), in one sentence.
growth() {
  local file="$1" what="$2"
  shift 2
  local IFS='|'
  awk -v what="$what" -v names="$*" '$1 >= 1000 { if (!lo) { lo = $0 } hi = $0 }
    END {
      if (!lo || lo == hi) exit
      split(lo, a, " "); split(hi, b, " "); n = split(names, name, "|")
      k = log(b[1] / a[1])
      printf "\nGrowth exponent%s from %d to %d workloads (1 is linear):", what, a[1], b[1]
      for (i = 1; i <= n; i++) printf "%s %s %.2f", (i > 1 ? "," : ""), name[i], log(b[i + 1] / a[i + 1]) / k
      print "."
    }' "$file"
}

# The growth exponents, from the smallest size ≥ 1,000 to the largest.
growth "$work/points" "" "CPU pass-through" "peak RSS pass-through" "CPU netid" "peak RSS netid"

# The native dialects (a ClusterNetworkIdentity with dialect: native, which
# the multi-layer model proves) against the NetworkPolicy render, at
# NATIVE_SIZES.
NATIVE_SIZES="${NATIVE_SIZES-1000 5000 20000}"
if [[ -n "$NATIVE_SIZES" ]]; then
  echo
  echo "| workloads | NetworkPolicy: CPU, peak RSS | Calico native | Cilium native | Antrea native |"
  echo "|---|---|---|---|---|"
  : > "$work/native"
  for n in $NATIVE_SIZES; do
    row="| $n |" point="$n"
    for cni in "" calico cilium antrea; do
      in="$work/estates/in-$n${cni:+-$cni}.yaml"
      [[ -s "$in" ]] || go run ./hack/bench/estate -n "$n" ${cni:+-cni "$cni"} > "$in"
      log "$n workloads, ${cni:-NetworkPolicy}${cni:+ native}: CPU and memory, $REPS runs"
      read -r t m < <(measure "$work/netid" "$in")
      row="$row $(awk -v t="$t" -v m="$m" 'BEGIN { printf "%.2f s, %d MiB", t, m / 1024 }') |"
      point="$point $t"
    done
    echo "$row"
    echo "$point" >> "$work/native"
  done
  growth "$work/native" " of CPU" "NetworkPolicy" "Calico native" "Cilium native" "Antrea native"
fi

if [[ -x hack/bench/kustomize.sh ]]; then
  log "kustomize end to end (hack/bench/kustomize.sh)"
  echo
  # Its own sizes (KUSTOMIZE_SIZES, default 100 300 1000): kustomize's
  # function path grows with the square of the objects returned.
  SIZES="${KUSTOMIZE_SIZES-100 300 1000}" REPS="$REPS" hack/bench/kustomize.sh
fi
