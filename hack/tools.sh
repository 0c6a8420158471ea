#!/usr/bin/env bash
# Installs the pinned tools the build and the e2e tests use, into a cache
# outside the repository, and prints the absolute path of the requested one on
# stdout (everything else goes to stderr).
#
#   hack/tools.sh kustomize   # go-installs kustomize into the cache once, prints its path
#   hack/tools.sh kpt         # prints the kpt on PATH, or fails saying so
#
# Cache: ${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netid-tools}, one
# directory per tool version, so bumping a pin never reuses an old binary.
# Idempotent: an installed tool is only checked, not rebuilt.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2

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

find_kpt() {
  local bin
  bin="$(command -v kpt)" || die "kpt is not on PATH: install kpt (the e2e tests run 'kpt fn render' and 'kpt fn eval')"
  printf '%s\n' "$bin"
}

case "${1:-}" in
  kustomize) install_kustomize ;;
  kpt) find_kpt ;;
  *) die "usage: $0 kustomize|kpt" ;;
esac
