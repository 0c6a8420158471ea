#!/usr/bin/env bash
# Installs the pinned tools the build and the e2e tests use, into a cache
# outside the repository, and prints the absolute path of the requested one on
# stdout (everything else goes to stderr).
#
#   hack/tools.sh kustomize   # go-installs kustomize into the cache once, prints its path
#   hack/tools.sh kpt         # prints the kpt on PATH, or fails saying so
#   hack/tools.sh controller-gen  # builds controller-gen (pinned in hack/tools/go.mod) once, prints its path
#   hack/tools.sh kubeconform     # builds kubeconform (pinned in hack/tools/go.mod) once, prints its path
#
# Cache: ${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netid-tools}, one
# directory per tool version, so bumping a pin never reuses an old binary.
# Idempotent: an installed tool is only checked, not rebuilt.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2
CONTROLLER_TOOLS_VERSION=v0.23.0 # sigs.k8s.io/controller-tools in hack/tools/go.mod
KUBECONFORM_VERSION=v0.8.0       # github.com/yannh/kubeconform in hack/tools/go.mod

tools_mod="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools"

tools_dir="${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netid-tools}"
case "$tools_dir" in /*) ;; *) tools_dir="$PWD/$tools_dir" ;; esac

log() { printf 'tools.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

install_kustomize() {
  local dir="$tools_dir/kustomize-$KUSTOMIZE_VERSION"
  local bin="$dir/kustomize"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null 2>&1 || die "go is needed to install kustomize $KUSTOMIZE_VERSION"
    log "installing kustomize $KUSTOMIZE_VERSION into $dir"
    mkdir -p "$dir"
    # Install into a scratch directory and rename, so an interrupted or
    # concurrent install never leaves a half-written binary at $bin.
    local tmp
    tmp="$(mktemp -d "$dir/.install.XXXXXX")"
    # GOFLAGS is cleared so a caller's -mod=vendor or similar cannot leak
    # into an install that is not part of this module.
    if ! (cd "$tmp" && GOFLAGS= GOBIN="$tmp" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2); then
      rm -rf "$tmp"
      die "go install sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION failed"
    fi
    mv -f "$tmp/kustomize" "$bin"
    rm -rf "$tmp"
  fi
  local got
  got="$("$bin" version 2>/dev/null)" || die "$bin does not run; remove $dir and retry"
  [[ "$got" == *"$KUSTOMIZE_VERSION"* ]] || die "$bin reports '$got', want $KUSTOMIZE_VERSION; remove $dir and retry"
  printf '%s\n' "$bin"
}

# install_mod_tool NAME VERSION PACKAGE VERSION_ARGS...: go build PACKAGE from
# the tools module hack/tools (whose go.mod pins VERSION) into the cache once,
# then check that the binary runs and reports VERSION.
install_mod_tool() {
  local name="$1" version="$2" pkg="$3"
  shift 3
  local dir="$tools_dir/$name-$version"
  local bin="$dir/$name"
  grep -qE "^[[:space:]]*${pkg%%/cmd/*} ${version//./\\.}( |\$)" "$tools_mod/go.mod" ||
    die "hack/tools/go.mod does not require ${pkg%%/cmd/*} $version; update the pin in both places"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null 2>&1 || die "go is needed to build $name $version"
    log "building $name $version into $dir"
    mkdir -p "$dir"
    local tmp
    tmp="$(mktemp -d "$dir/.install.XXXXXX")"
    # GOFLAGS is cleared so a caller's flags cannot leak into this build;
    # -buildvcs=false because the module sits inside netid's own git work tree.
    if ! (cd "$tools_mod" && GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0 go build -trimpath -o "$tmp/$name" "$pkg" >&2); then
      rm -rf "$tmp"
      die "building $pkg in hack/tools failed"
    fi
    mv -f "$tmp/$name" "$bin"
    rm -rf "$tmp"
  fi
  # A go-built binary reports no release version of its own (kubeconform says
  # "development"), so the check reads the module version Go recorded in it.
  local mod="${pkg%%/cmd/*}" got
  "$bin" "$@" >/dev/null 2>&1 || die "$bin does not run; remove $dir and retry"
  got="$(go version -m "$bin" 2>/dev/null | awk -v m="$mod" '$1 == "mod" && $2 == m { print $3 }')"
  [[ "$got" == "$version" ]] || die "$bin was built from $mod '$got', want $version; remove $dir and retry"
  printf '%s\n' "$bin"
}

find_kpt() {
  local bin
  bin="$(command -v kpt)" || die "kpt is not on PATH: install kpt (the e2e tests run 'kpt fn render' and 'kpt fn eval')"
  printf '%s\n' "$bin"
}

case "${1:-}" in
  kustomize) install_kustomize ;;
  kpt) find_kpt ;;
  controller-gen) install_mod_tool controller-gen "$CONTROLLER_TOOLS_VERSION" sigs.k8s.io/controller-tools/cmd/controller-gen --version ;;
  kubeconform) install_mod_tool kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform -v ;;
  *) die "usage: $0 kustomize|kpt|controller-gen|kubeconform" ;;
esac
