#!/usr/bin/env bash
# Measures what a kustomize (or kpt) user pays end to end on synthetic
# estates (hack/bench/kustomize writes them): the CPU time (user + system,
# children included, via /usr/bin/time) of
#
#   kustomize build DIR, with no transformer, with a pass-through exec
#   transformer and with netid (per-workload layout, the default; and the
#   per-flow layout at PERFLOW_SIZES);
#   kpt fn render --allow-exec of the same estate as a kpt package, at KPT_SIZES;
#   the pipe form at PIPE_SIZES: one `kustomize build` per namespace,
#   concatenated, into `netid render --config` (and one `kustomize build` of
#   the whole app into it at PIPE_WHOLE_SIZES).
#
# Prints Markdown tables with medians of REPS runs and, per row, the growth
# exponent from the previous size (log(t2/t1)/log(n2/n1)); progress on stderr.
# Wall time is not measured: a shared machine makes it meaningless.
#
#   hack/bench/kustomize.sh
#   SIZES="100 300" REPS=3 PIPE_SIZES="1000 5000 20000" hack/bench/kustomize.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES="${SIZES-100 300 1000}"
PERFLOW_SIZES="${PERFLOW_SIZES-100 300}"
KPT_SIZES="${KPT_SIZES-1000}"
PIPE_SIZES="${PIPE_SIZES-1000 5000 20000}"
PIPE_WHOLE_SIZES="${PIPE_WHOLE_SIZES-1000}"
REPS="${REPS:-3}"
KUSTOMIZE="${KUSTOMIZE:-$(hack/tools.sh kustomize)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -trimpath -o "$work/netid" ./fn
CGO_ENABLED=0 go build -trimpath -o "$work/passthrough" ./hack/bench/passthrough
go build -o "$work/fixture" ./hack/bench/kustomize

log() { echo "kustomize.sh: $*" >&2; }

# cpu CMD...: prints the median CPU seconds (user + system) of REPS runs.
cpu() {
  local i
  for ((i = 0; i < REPS; i++)); do
    /usr/bin/time -f "%U %S" -o "$work/time" "$@" > /dev/null
    awk '{ printf "%.2f\n", $1 + $2 }' "$work/time"
  done | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"
}

# estate N: the fixture of N workloads, written once.
estate() {
  local dir="$work/e$1"
  if [ ! -d "$dir" ]; then
    log "writing the estate of $1 workloads"
    "$work/fixture" -n "$1" -dir "$dir" -netid "$work/netid" -passthrough "$work/passthrough" -layouts per-flow
  fi
  echo "$dir"
}

# exponent KEY N T: sets e to the growth exponent of series KEY from its
# previous size and time to N and T ("-" for its first).
declare -A last_n last_t
exponent() {
  e="-"
  if [ -n "${last_n[$1]:-}" ] && [ "$3" != "-" ]; then
    e=$(awk -v n1="${last_n[$1]}" -v t1="${last_t[$1]}" -v n2="$2" -v t2="$3" 'BEGIN { if (t1 > 0 && t2 > 0) printf "%.1f", log(t2/t1)/log(n2/n1); else print "-" }')
  fi
  if [ "$3" != "-" ]; then last_n[$1]=$2 last_t[$1]=$3; fi
}

build() { "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec "$1"; }

if [ -n "$SIZES" ]; then
  echo "### kustomize build, CPU seconds (median of $REPS)"
  echo
  echo "| workloads | objects out | none | pass-through | netid per-workload | netid per-flow | netid / pass-through | exponent: none, pass-through, netid |"
  echo "|---|---|---|---|---|---|---|---|"
fi
for n in $SIZES; do
  dir=$(estate "$n")
  log "kustomize build, $n workloads"
  objects=$(build "$dir/netid" | grep -c '^kind:')
  none=$(cpu "$KUSTOMIZE" build "$dir/none")
  pass=$(cpu "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec "$dir/passthrough")
  net=$(cpu "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec "$dir/netid")
  flow="-"
  if [[ " $PERFLOW_SIZES " == *" $n "* ]]; then
    flow=$(cpu "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec "$dir/netid-per-flow")
  fi
  exponent none "$n" "$none"; en=$e
  exponent pass "$n" "$pass"; ep=$e
  exponent net "$n" "$net"; ex=$e
  ratio=$(awk -v a="$net" -v b="$pass" 'BEGIN { printf "%.1f×", a / b }')
  echo "| $n | $objects | $none | $pass | $net | $flow | $ratio | $en, $ep, $ex |"
done

if [ -n "$KPT_SIZES" ]; then
  echo
  echo "### kpt fn render --allow-exec, CPU seconds (median of $REPS)"
  echo
  echo "| workloads | netid per-workload |"
  echo "|---|---|"
  for n in $KPT_SIZES; do
    dir=$(estate "$n")
    log "kpt fn render, $n workloads"
    t=$(cpu kpt fn render --allow-exec "$dir/kpt" -o stdout)
    echo "| $n | $t |"
  done
fi

if [ -n "$PIPE_SIZES" ]; then
  echo
  echo "### The pipe form, CPU seconds (median of $REPS)"
  echo
  echo "kustomize build of each namespace's kustomization, concatenated, into"
  echo "\`netid render --config configs.yaml\` (netid render alone in its own column)."
  echo
  echo "| workloads | kustomize build per namespace + netid render | netid render alone | one kustomize build of the whole app + netid render | exponent (per namespace) |"
  echo "|---|---|---|---|---|"
fi
for n in $PIPE_SIZES; do
  dir=$(estate "$n")
  log "pipe form, $n workloads"
  cat > "$work/pipe.sh" <<PIPE
set -euo pipefail
for d in "$dir"/apps/*/; do "$KUSTOMIZE" build "\$d"; echo ---; done | "$work/netid" render --config "$dir/configs.yaml"
PIPE
  t=$(cpu bash "$work/pipe.sh")
  for d in "$dir"/apps/*/; do "$KUSTOMIZE" build "$d"; echo ---; done > "$work/app.yaml"
  alone=$(cpu "$work/netid" render --config "$dir/configs.yaml" "$work/app.yaml")
  whole="-"
  if [[ " $PIPE_WHOLE_SIZES " == *" $n "* ]]; then
    whole=$(cpu bash -c "set -o pipefail; '$KUSTOMIZE' build '$dir/app' | '$work/netid' render --config '$dir/configs.yaml'")
  fi
  exponent pipe "$n" "$t"
  echo "| $n | $t | $alone | $whole | $e |"
done
