# The netid KRM function as a container image: `make image` (runs `make build`
# first, then `docker build -t netid:dev .`).
#
# The image is built FROM the static binary that `make build` produced
# (CGO_ENABLED=0, -trimpath), not compiled inside a builder stage: the build
# machines reach no container registry, so no golang base image can be pulled.
# scratch needs no pull and therefore no digest pin; the binary needs nothing
# else (no libc, no shell, no CA certificates: it never dials out).
#
# Run it as a KRM function:
#   kustomize: config.kubernetes.io/function: {container: {image: netid:dev}}
#   kpt:       kpt fn eval --image netid:dev --image-pull-policy never DIR
# The e2e test TestKustomizeContainer builds this image and renders the
# example through it.
FROM scratch

LABEL org.opencontainers.image.title="netid" \
      org.opencontainers.image.description="KRM function: NetworkPolicies, ServiceAccounts/RBAC, Pod Security labels and Gateway API routes from NetworkIdentity configs" \
      org.opencontainers.image.source="https://netid.dev/netid" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY bin/netid /netid
# kustomize runs container functions with `docker run --user nobody`, which
# needs the user to exist in the image.
COPY hack/image/passwd /etc/passwd
COPY hack/image/group /etc/group

# nonroot: the same UID:GID distroless's nonroot user has.
USER 65532:65532

ENTRYPOINT ["/netid"]
