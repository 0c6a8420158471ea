#!/usr/bin/env bash
# The CI step that renders the shop app for Flux, which runs no KRM functions:
# netid renders here, the output is committed (or pushed as an OCI artifact
# with `flux push artifact`), and Flux applies it as plain manifests.
#
# Run from the repository root. KUSTOMIZE, NETID and OUT override the tools
# and the output file; e2e/flux_test.go runs this script as written.
set -euo pipefail

kustomize="${KUSTOMIZE:-kustomize}"
netid="${NETID:-netid}"
out="${OUT:-examples/flux/deploy/shop.yaml}"

# kustomize drops the local-config NetworkIdentity configs from its output,
# so netid reads them from the repository with --config. pipefail makes a
# kustomize failure fail the step; netid refuses an unsafe render with exit 1
# and nothing on stdout, so the temporary file never replaces the committed
# output with a partial or unsafe one.
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
"$kustomize" build examples/kustomize/app |
  "$netid" render --config examples/kustomize/app/netid --config examples/kustomize/netid.yaml >"$tmp"
mv "$tmp" "$out"

# Then, in CI: fail when the committed output is stale,
#   git diff --exit-code -- "$out"
# or commit it for Flux to apply.
