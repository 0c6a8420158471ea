# The netid KRM function as a container image: `make image` runs `make build`
# first, then tags ghcr.io/netid-dev/netid:<VERSION> and ghcr.io/netid-dev/netid:dev
# (IMAGE and IMAGE_TAGS in the Makefile; nothing is pushed).
#
# The name is fully qualified on purpose: kpt expands a bare name to its own
# catalog (netid:dev becomes gcr.io/kpt-fn/netid:dev), so a bare name cannot be
# found locally by kpt.
#
# The image is built FROM the static binary that `make build` produced
# (CGO_ENABLED=0, -trimpath), not compiled inside a builder stage: the build
# machines reach no container registry, so no golang base image can be pulled.
# scratch needs no pull and therefore no digest pin; the binary needs nothing
# else (no libc, no shell, no CA certificates: it never dials out).
#
# Run it as a KRM function (the image is local, so tell kpt not to pull):
#   kustomize: config.kubernetes.io/function: {container: {image: ghcr.io/netid-dev/netid:dev}}
#   kpt:       kpt fn eval --image ghcr.io/netid-dev/netid:dev --image-pull-policy never DIR
#              kpt fn render --image-pull-policy never DIR   (Kptfile: - image: ghcr.io/netid-dev/netid:dev)
# The e2e tests (e2e/container_test.go) build this image with `make image` and
# render the examples through it with kustomize and kpt.
FROM scratch

# VERSION is what `netid version` prints (the Makefile stamps both from
# hack/version.sh); REVISION the git commit.
ARG VERSION=0.0.0-dev.unknown
ARG REVISION=unknown

LABEL org.opencontainers.image.title="netid" \
      org.opencontainers.image.description="KRM function: NetworkPolicies, ServiceAccounts/RBAC, Pod Security labels and Gateway API routes from NetworkIdentity configs" \
      org.opencontainers.image.source="https://netid.dev/netid" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

COPY bin/netid /netid
# kustomize runs container functions with `docker run --user nobody`, which
# needs the user to exist in the image.
COPY hack/image/passwd /etc/passwd
COPY hack/image/group /etc/group

# nonroot: the same UID:GID distroless's nonroot user has.
USER 65532:65532

ENTRYPOINT ["/netid"]
