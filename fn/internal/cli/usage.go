package cli

// subcommands are the commands `netid help NAME` knows.
var subcommands = []string{"validate", "render", "report", "verify", "init", "rules", "version"}

const usage = `netid renders network and identity policy for Kubernetes workloads, and
refuses unsafe renders.

Usage:
  netid                      KRM function: ResourceList on stdin, ResourceList on stdout
  netid validate             KRM validator: judge the ResourceList, change nothing
                             (also: annotation netid.dev/validate-only: "true" on the config)
  netid render [--config PATH]... [PATH...]
                             the same render on a plain YAML stream (stdin or PATH):
                             kustomize build DIR | netid render --config CONFIGS
  netid report [-o FILE] [--config PATH]... [PATH...]
                             write network-identity.md for a ResourceList or a YAML
                             stream on stdin, or for the manifests under PATH
  netid verify [--format table|json] [PATH...]
                             prove any manifests (a ResourceList or YAML on stdin, or
                             files/directories): the flow matrix the NetworkPolicies
                             allow and each ServiceAccount's permissions; with
                             NetworkIdentity configs among them, against the declaration
  netid init [PATH...]       draft a starting NetworkIdentity for every workload of an
                             existing app (manifests on stdin or under PATH) that has
                             none, each with a placeholder reason that netid refuses
                             until a person rewrites it
  netid rules [--format text|markdown|json]
                             list the rules netid enforces and the published
                             controls each evidences (markdown: docs/rules.md)
  netid version              print the version
  netid help [COMMAND]       this text, or a command's (also: netid COMMAND --help)

Running it:
  kustomize  a NetworkIdentity with a config.kubernetes.io/function annotation
             (exec: {path: .../netid} or container: {image: ...}) under
             transformers:, then
               kustomize build --enable-alpha-plugins --enable-exec DIR
             Without --enable-exec kustomize silently skips netid: check that the
             output has a NetworkPolicy named default-deny.
  kpt        a Kptfile mutator (exec: path/to/netid, or image:), then
               kpt fn render --allow-exec DIR
             or ad hoc: kpt fn eval --exec path/to/netid DIR
  Argo CD    a Config Management Plugin sidecar with the netid binary whose
             generate command is
               kustomize build --enable-alpha-plugins --enable-exec .
             or, with the configs outside the kustomization,
               kustomize build . | netid render --config netid/
  CI, Flux   render with netid render (or kustomize) in CI and commit or publish
             the output; Flux runs no KRM functions and applies it as is.

Exit codes: 0 rendered, 1 refused (findings on stderr, nothing on stdout),
2 bad usage. See the README for the configuration.
`

const validateUsage = `Usage: netid validate

Judge the ResourceList on stdin like the function, change nothing: the items
come back byte for byte with the findings as results (a kustomize validator
or a kpt validator). Exit 1, nothing on stdout, on any error.
`

const reportUsage = `Usage: netid report [-o FILE] [--config PATH]... [PATH...]

Write network-identity.md for a ResourceList or a plain YAML stream on stdin,
or for the manifests under PATH (files or directories). kustomize drops the
local-config NetworkIdentity configs from its output, so give them with
--config:

  kustomize build examples/kustomize/app | netid report --config examples/kustomize/app/netid --config examples/kustomize/netid.yaml -o -
  netid report -o network-identity.md examples/kpt

A render netid refuses writes no report (exit 1, findings on stderr).

Flags:
`

const verifyUsage = `Usage: netid verify [--format table|json] [PATH...]

Prove any manifests (a ResourceList or YAML on stdin, or files/directories):
the flow matrix their NetworkPolicies allow and each ServiceAccount's
permissions; with NetworkIdentity configs among them, against the
declaration. Exit 1 when the proof fails.

Flags:
`

const initUsage = `Usage: netid init [PATH...]

Draft a starting NetworkIdentity for every workload of an existing app
(manifests on stdin or under PATH) that has none: its ServiceAccount, its
exposure as found, and the calls inferred from Service names in its
environment, arguments and commands, each with a placeholder reason that netid
refuses until a person rewrites it. The drafts go to stdout.
`

const rulesUsage = `Usage: netid rules [--format text|markdown|json]

List the rules netid enforces, each with the published controls it evidences
(CIS Kubernetes Benchmark, NSA/CISA Kubernetes Hardening Guidance, NIST SP
800-190) or why it evidences none (markdown: docs/rules.md).

Flags:
`

const versionUsage = `Usage: netid version

Print the version.
`
