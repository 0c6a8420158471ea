#!/usr/bin/env bash
# Prints netid's version, a semantic version (semver.org), for the binary
# (`netid version`, stamped by the Makefile) and the image's
# org.opencontainers.image.version label and tag:
#
#   HEAD tagged vX.Y.Z          X.Y.Z
#   N commits past vX.Y.Z       X.Y.Z-N-g<commit>        (git describe, without the v)
#   no vX.Y.Z tag (or no git)   0.0.0-dev.g<commit>, 0.0.0-dev.unknown
#
# and -dirty (or .dirty) when tracked files have uncommitted changes. Every
# form is also a valid image tag (letters, digits, '.', '-'; never '+').
set -euo pipefail
cd "$(dirname "$0")/.."

if v="$(git describe --tags --match 'v[0-9]*.[0-9]*.[0-9]*' --dirty 2>/dev/null)"; then
	echo "${v#v}"
	exit 0
fi
if commit="$(git rev-parse --short HEAD 2>/dev/null)"; then
	dirty=""
	git diff --quiet HEAD 2>/dev/null || dirty=".dirty"
	echo "0.0.0-dev.g${commit}${dirty}"
	exit 0
fi
echo "0.0.0-dev.unknown"
