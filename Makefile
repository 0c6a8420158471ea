# netid's build. `make` alone lists the targets.
#
# Tools: kustomize, controller-gen and kubeconform are pinned and installed by
# hack/tools.sh into a cache outside the repository (NETID_TOOLS_DIR, default
# ~/.cache/netid-tools; the last two from the tools module hack/tools); kpt is taken
# from PATH. The e2e tests (./e2e) drive the real kustomize and kpt binaries on
# examples/.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN := bin/netid
# VERSION is a semantic version (hack/version.sh: X.Y.Z on a vX.Y.Z tag, else
# 0.0.0-dev.g<commit>), stamped into the binary (`netid version`) and the image.
VERSION ?= $(shell hack/version.sh)
# IMAGE is the image's fully qualified name: kpt reads a bare name such as
# netid:dev as gcr.io/kpt-fn/netid:dev. `make image` tags it locally with
# VERSION and with dev (IMAGE_TAGS), and pushes nothing.
IMAGE ?= ghcr.io/netid-dev/netid
IMAGE_TAGS ?= $(VERSION) dev
GO_BUILD = CGO_ENABLED=0 go build -trimpath -ldflags "-X netid.dev/netid/fn/internal/cli.Version=$(VERSION)" -o $(BIN) ./fn
# Every target that needs kustomize resolves it at run time, so `make help`
# and `make build` never install anything.
KUSTOMIZE = $$(hack/tools.sh kustomize)

.PHONY: help build test e2e demo golden docs schema bench lint image clean fuzz

help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z0-9_-]*:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build the function binary, bin/netid (static, trimmed paths).
	$(GO_BUILD)

test: build ## Run every test, e2e included (installs the pinned kustomize).
	kustomize="$(KUSTOMIZE)"; KUSTOMIZE="$$kustomize" go test ./...

e2e: build ## Run only the end-to-end tests (real kustomize and kpt on examples/).
	kustomize="$(KUSTOMIZE)"; KUSTOMIZE="$$kustomize" go test ./e2e/...

# Silent recipe: stdout carries only the rendered YAML (`make demo > out.yaml`).
demo: ## Render examples/kustomize with the pinned kustomize, to stdout.
	@$(GO_BUILD)
	@kustomize="$(KUSTOMIZE)"; "$$kustomize" build --enable-alpha-plugins --enable-exec examples/kustomize

# Every fuzz target (`func FuzzX` in a _test.go file), found anew each run, is
# fuzzed for FUZZTIME by hack/fuzz.sh. An input that fails a target is written
# by go test to <package>/testdata/fuzz/FuzzX/ (go's default) and the run
# stops: fix the bug and commit the file, which every `go test` then runs as
# seed corpus. A run that ends in go 1.26's own deadline race (golang/go#75804:
# "context deadline exceeded", no input written) is run again, and fails only
# when it keeps ending so. The inputs the fuzzer found interesting but not
# failing stay in go's build cache ($$(go env GOCACHE)/fuzz), which CI may keep
# between runs.
FUZZTIME ?= 10s

fuzz: ## Fuzz every fuzz target for FUZZTIME each (default 10s).
	@FUZZTIME=$(FUZZTIME) hack/fuzz.sh

golden: build ## Regenerate every golden file (review the diff like code).
	kustomize="$(KUSTOMIZE)"; UPDATE_GOLDEN=1 KUSTOMIZE="$$kustomize" go test ./...

docs: schema ## Regenerate docs/rules.md from the rule registry, and the field references (make schema).
	go run ./fn rules --format markdown > docs/rules.md

# controller-gen is pinned in hack/tools/go.mod and built into the tools cache
# by hack/tools.sh, like kustomize.
schema: ## Regenerate the CRD (config/crd/), the JSON schema (schema/) and the field references (docs/config.md, fn/README.md) from krm/v1alpha1.
	controller_gen="$$(hack/tools.sh controller-gen)"; go run ./hack/schemagen -controller-gen "$$controller_gen"

bench: ## Run the Go benchmarks (no tests), then hack/bench.sh: netid against a pass-through function (CPU, peak RSS, instructions), and kustomize, kpt and the pipe end to end (hack/bench/kustomize.sh).
	go test -run '^$$' -bench . -benchmem ./...
	hack/bench.sh

lint: ## gofmt (must change nothing) and go vet.
	@unformatted="$$(gofmt -l .)"; if [[ -n "$$unformatted" ]]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	go vet ./...

image: build ## Build the image ghcr.io/netid-dev/netid (IMAGE), tagged VERSION and dev, from bin/netid; no push.
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
		$(foreach tag,$(IMAGE_TAGS),-t $(IMAGE):$(tag)) .

.PHONY: apiserver
apiserver: ## Build the pinned kube-apiserver, etcd and kubectl into the tools cache
	hack/apiserver.sh build

.PHONY: argocd
argocd: ## Build the pinned argocd-cmp-server and its test client into the tools cache
	hack/argocd.sh build

clean: ## Remove build output.
	rm -rf bin/
