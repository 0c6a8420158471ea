package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/krm/v1alpha1"
)

const renderUsage = `Usage: netid render [--config PATH]... [PATH...]

Render a plain multi-document YAML stream, the same render as the KRM
function, for pipes, CI steps and Argo CD plugins:

  kustomize build DIR | netid render --config DIR/netid > rendered.yaml
  netid render --config configs/ manifests/

The input is the app's manifests on stdin, or the files and directories
PATH. kustomize drops NetworkIdentity configs marked local-config from its
output, so give them with --config (files or directories of NetworkIdentity
objects, repeatable); configs in the stream itself are read too. The output
is the rendered manifests as a plain stream: no ResourceList, no
local-config objects (the configs and the report ConfigMap), no file
annotations. Rendering the output again with the same configs gives the
same output. On any error, the findings go to stderr, nothing to stdout,
and the exit code is 1.

Flags:
`

// render is `netid render`: the pipe form of the function.
func render(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("render", renderUsage, stderr)
	var configs pathList
	fs.Var(&configs, "config", "a file or directory of NetworkIdentity configs (repeatable)")
	layout := fs.String("network-policy-layout", "", "NetworkPolicy layout: per-workload (the default) or per-flow; overrides the functionConfig's netid.dev/network-policy-layout")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if l := *layout; l != "" && l != v1alpha1.LayoutPerWorkload && l != v1alpha1.LayoutPerFlow {
		fmt.Fprintf(stderr, "netid render: --network-policy-layout %q: %s or %s\n", l, v1alpha1.LayoutPerWorkload, v1alpha1.LayoutPerFlow)
		return 2
	}
	items, fc, err := readInputWithConfigs(fs.Args(), configs, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "netid render: %v\n", err)
		return 1
	}
	res := process.Render(items, fc, process.Options{Layout: *layout})
	res.Findings.Write(stderr)
	if res.Findings.HasErrors() {
		fmt.Fprintf(stderr, "netid render: refused to render: %d error(s); nothing written\n", res.Findings.Errors())
		return 1
	}
	var buf bytes.Buffer
	if err := writeStream(&buf, res); err != nil {
		fmt.Fprintf(stderr, "netid render: %v\n", err)
		return 1
	}
	if _, err := buf.WriteTo(stdout); err != nil {
		fmt.Fprintf(stderr, "netid render: %v\n", err)
		return 1
	}
	return 0
}

// readInputWithConfigs is readInput plus the NetworkIdentity configs under
// configs, added as items. A config given on the command line is local
// configuration by nature: it is marked local-config, so the render neither
// warns that kustomize would emit it nor writes it out.
func readInputWithConfigs(paths, configs []string, stdin io.Reader) ([]*yaml.RNode, *yaml.RNode, error) {
	items, fc, err := readInput(paths, stdin)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range configs {
		nodes, err := readPath(p)
		if err != nil {
			return nil, nil, fmt.Errorf("--config %s: %w", p, err)
		}
		for _, n := range nodes {
			if n.GetKind() == "Kustomization" || n.GetKind() == "Kptfile" {
				continue // a directory of configs may be a kustomization or a kpt package
			}
			if n.GetKind() != v1alpha1.Kind && n.GetKind() != v1alpha1.ClusterKind {
				return nil, nil, fmt.Errorf("--config %s: %s %s/%s is not a %s or %s; give manifests as input, configs with --config",
					p, n.GetKind(), n.GetNamespace(), n.GetName(), v1alpha1.Kind, v1alpha1.ClusterKind)
			}
			if err := n.PipeE(yaml.SetAnnotation(load.LocalConfig, "true")); err != nil {
				return nil, nil, err
			}
			items = append(items, n)
		}
	}
	return items, fc, nil
}

// writeStream writes the rendered items and generated objects as a plain
// multi-document stream, in the render's order, without local-config objects
// and without the file annotations kyaml's readers and netid's emitter add.
func writeStream(w io.Writer, res process.Output) error {
	nodes := make([]*yaml.RNode, 0, len(res.Items)+len(res.Generated))
	nodes = append(nodes, res.Items...)
	for _, g := range res.Generated {
		n, err := yamlconv.ToNode(g.Map)
		if err != nil {
			return err
		}
		nodes = append(nodes, n)
	}
	// One encoder per document, the separators written here: an encoder keeps
	// every event of its stream until it is closed, so one encoder for the
	// whole output held all of it (631 MiB and 6.9 s of CPU at 1,000
	// workloads, against 200 MiB and 1.8 s for the function's ResourceList).
	first := true
	for _, n := range nodes {
		if n.GetAnnotations()[load.LocalConfig] == "true" || n.GetKind() == v1alpha1.Kind || n.GetKind() == v1alpha1.ClusterKind {
			continue
		}
		for _, a := range fileAnnotations {
			if err := n.PipeE(yaml.ClearAnnotation(a)); err != nil {
				return err
			}
		}
		if err := yaml.ClearEmptyAnnotations(n); err != nil {
			return err
		}
		if !first {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		first = false
		enc := yaml.NewEncoder(w)
		enc.CompactSeqIndent()
		if err := enc.Encode(n.Document()); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	}
	return nil
}

// fileAnnotations are what kyaml's readers (and netid, for kpt) record of
// where an object came from or goes to: meaningless in a plain stream.
var fileAnnotations = []string{
	kioutil.PathAnnotation, kioutil.IndexAnnotation, kioutil.IdAnnotation, kioutil.SeqIndentAnnotation,
	kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.LegacyIdAnnotation,
	kioutil.InternalAnnotationsMigrationResourceIDAnnotation,
}

// pathList is a repeatable flag of paths.
type pathList []string

func (p *pathList) String() string     { return strings.Join(*p, ",") }
func (p *pathList) Set(v string) error { *p = append(*p, v); return nil }

// newFlagSet is a subcommand's flag set, whose usage is text and then the
// flags; errors and the usage after a bad flag go to stderr.
func newFlagSet(name, text string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), text)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; done says the command must return code now: 0
// after -h or --help (the usage on stdout: asked for, it is the output), 2
// after a bad flag (the usage on stderr).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0, true
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}
