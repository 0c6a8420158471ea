#!/usr/bin/env bash
# Builds Argo CD's config management plugin server (argocd-cmp-server) and a
# client that speaks to it as Argo CD's repo-server does, for the e2e test
# that renders the examples through the netid plugin (e2e/argocd_test.go,
# `NETID_ARGOCD=1 go test ./e2e -run ArgoCD`).
#
#   hack/argocd.sh build   # build once into the tools cache; prints that directory
#
# The binaries come from the Go module proxy, pinned by hack/argocd/go.mod:
#
#   argocd             github.com/argoproj/argo-cd/v3/cmd, Argo CD's multi-call
#                      binary (the one in its image); it runs as the plugin
#                      server when called as argocd-cmp-server, so
#   argocd-cmp-server  is a symlink to it, as in Argo CD's image;
#   cmpclient          hack/argocd/cmpclient: MatchRepository and
#                      GenerateManifest with the repo-server's client code.
#
# A first build with an empty Go build cache takes about nine and a half
# minutes on two shared cores (measured 9m23s, load average about 3) and
# 2.2 GB of build cache, after a minute and a half of module downloads
# (about 300 modules); with the build cache warm, under two minutes (the
# binaries: 210 MB). Later calls only check the version the binary reports.
# Cache: ${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-
# $HOME/.cache}/netid-tools}/argocd-<version>/, as hack/tools.sh.
set -euo pipefail

ARGOCD_VERSION=v3.2.11 # github.com/argoproj/argo-cd/v3 in hack/argocd/go.mod

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
repo_root="$(cd "$(dirname "$script")/.." && pwd)"
mod_dir="$repo_root/hack/argocd"
tools_dir="${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netid-tools}"
case "$tools_dir" in /*) ;; *) tools_dir="$PWD/$tools_dir" ;; esac
bin_dir="$tools_dir/argocd-$ARGOCD_VERSION"

log() { printf 'argocd.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# version_ok: the argocd binary reports $ARGOCD_VERSION (as `argocd: vX+...`),
# and cmpclient and the argocd-cmp-server link exist.
version_ok() {
  [[ -x "$bin_dir/argocd" && -x "$bin_dir/cmpclient" && -L "$bin_dir/argocd-cmp-server" ]] || return 1
  local out
  out="$(ARGOCD_BINARY_NAME=argocd "$bin_dir/argocd" version --client --short 2>/dev/null)" || return 1
  grep -qE "^argocd: ${ARGOCD_VERSION//./\\.}(\+|$)" <<<"$out"
}

# build_one NAME PACKAGE LDFLAGS: go build into a scratch directory and
# rename, so an interrupted build never leaves a half-written binary.
build_one() {
  local name="$1" pkg="$2" ldflags="$3" tmp start size
  tmp="$(mktemp -d "$bin_dir/.build.XXXXXX")"
  start=$SECONDS
  log "building $name from $pkg (module $mod_dir)"
  # GOFLAGS is cleared so a caller's flags cannot leak into this build;
  # -buildvcs=false because the module sits inside netid's own git work tree.
  if ! (cd "$mod_dir" && GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0 \
    go build -trimpath -ldflags "$ldflags" -o "$tmp/$name" "$pkg" >&2); then
    rm -rf "$tmp"
    die "building $name ($pkg in $mod_dir) failed"
  fi
  mv -f "$tmp/$name" "$bin_dir/$name"
  rm -rf "$tmp"
  size="$(du -h "$bin_dir/$name" | cut -f1)"
  log "built $name in $((SECONDS - start))s ($size)"
}

cmd_build() {
  command -v go >/dev/null 2>&1 || die "go is needed to build argocd-cmp-server"
  mkdir -p "$bin_dir"
  # One build at a time per cache directory.
  exec 9>"$bin_dir/.lock"
  flock -w 3600 9 || die "timed out waiting for another build in $bin_dir"
  if ! version_ok; then
    build_one argocd github.com/argoproj/argo-cd/v3/cmd \
      "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${ARGOCD_VERSION#v}"
    build_one cmpclient ./cmpclient "-s -w"
    ln -sfn argocd "$bin_dir/argocd-cmp-server"
    version_ok || die "$bin_dir/argocd reports '$(ARGOCD_BINARY_NAME=argocd "$bin_dir/argocd" version --client --short 2>&1 | head -1)', want argocd: $ARGOCD_VERSION"
  fi
  printf '%s\n' "$bin_dir"
}

case "${1:-}" in
  build) cmd_build ;;
  *) die "usage: $0 build" ;;
esac
