// Package cli is netid's command line: the KRM function itself (no
// arguments) and the report subcommand.
package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/initcfg"
	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/krm/v1alpha1"
)

// Version is netid's semantic version, stamped by the Makefile with
// -ldflags "-X netid.dev/netid/fn/internal/cli.Version=$(hack/version.sh)".
// A build without the stamp (go build ./fn, go install) reports what
// hack/version.sh reports for an untagged checkout, from the build's VCS
// information: see version.
var Version = ""

// Readme is the function's catalog README (fn/README.md, embedded by the
// main package). Its marked sections are the second half of `netid --help`,
// which is what `kpt fn doc` prints.
var Readme string

// Main runs the command and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return process.Run(stdin, stdout, stderr, process.Options{})
	}
	switch args[0] {
	case "validate":
		fs := newFlagSet("validate", validateUsage, stderr)
		if code, done := parseFlags(fs, args[1:], stdout); done {
			return code
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "netid validate: unexpected argument %q: the ResourceList comes on stdin\n", fs.Arg(0))
			return 2
		}
		return process.Run(stdin, stdout, stderr, process.Options{ValidateOnly: true})
	case "render":
		return render(args[1:], stdin, stdout, stderr)
	case "report":
		return report(args[1:], stdin, stdout, stderr)
	case "verify":
		return verify(args[1:], stdin, stdout, stderr)
	case "init":
		return initConfigs(args[1:], stdin, stdout, stderr)
	case "rules":
		return listRules(args[1:], stdout, stderr)
	case "version":
		fs := newFlagSet("version", versionUsage, stderr)
		if code, done := parseFlags(fs, args[1:], stdout); done {
			return code
		}
		fmt.Fprintln(stdout, version())
		return 0
	case "help", "-h", "--help":
		if len(args) > 1 && args[0] == "help" && args[1] != "-h" && args[1] != "--help" {
			if !slices.Contains(subcommands, args[1]) {
				fmt.Fprintf(stderr, "netid help: unknown command %q\n\n%s", args[1], usage)
				return 2
			}
			return Main([]string{args[1], "--help"}, stdin, stdout, stderr)
		}
		return help(stdout, stderr)
	}
	fmt.Fprintf(stderr, "netid: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func report(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", reportUsage, stderr)
	out := fs.String("o", "network-identity.md", `the file to write ("-" for stdout)`)
	var configs pathList
	fs.Var(&configs, "config", "a file or directory of NetworkIdentity configs (repeatable), as for render")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	items, fc, err := readInputWithConfigs(fs.Args(), configs, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "netid report: %v\n", err)
		return 1
	}
	res := process.Render(items, fc, process.Options{})
	res.Findings.Write(stderr)
	if res.Findings.HasErrors() {
		fmt.Fprintln(stderr, "netid report: refused to render; no report written")
		return 1
	}
	if *out == "-" {
		_, err := io.WriteString(stdout, res.Report)
		return exitOn(err, stderr)
	}
	return exitOn(os.WriteFile(*out, []byte(res.Report), 0o644), stderr)
}

// readInput reads a ResourceList (or a plain YAML stream) on stdin, or the
// manifests under paths.
func readInput(paths []string, stdin io.Reader) ([]*yaml.RNode, *yaml.RNode, error) {
	if len(paths) == 0 {
		rw := &kio.ByteReadWriter{Reader: stdin}
		items, err := rw.Read()
		if err != nil {
			return nil, nil, fmt.Errorf("reading stdin: %w", err)
		}
		return items, rw.FunctionConfig, nil
	}
	var items []*yaml.RNode
	for _, p := range paths {
		nodes, err := readPath(p)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, nodes...)
	}
	return items, nil, nil
}

// initConfigs is `netid init`: drafts on stdout, one YAML document per
// workload without a NetworkIdentity.
func initConfigs(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("init", initUsage, stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	items, fc, err := readInput(fs.Args(), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "netid init: %v\n", err)
		return 1
	}
	if fc != nil {
		items = append(items, fc)
	}
	s, fs2 := rules.NewStream(items)
	fs2.Write(stderr)
	for _, n := range items {
		if n.GetKind() != v1alpha1.Kind {
			continue
		}
		cfg, errs := v1alpha1.DecodeNode(n.YNode())
		if len(errs) > 0 {
			continue // a config netid would refuse; its workload is declared all the same
		}
		cfg.Default()
		s.Declare(cfg.Namespace+"/"+cfg.Spec.Workload, &rules.Declaration{Config: cfg, Object: finding.ObjectOf(n)})
	}
	drafts := initcfg.Drafts(s)
	if len(drafts) == 0 {
		fmt.Fprintln(stderr, "netid init: every workload of the input already has a NetworkIdentity (or there is none): nothing to draft")
		return 1
	}
	if err := initcfg.Write(stdout, drafts); err != nil {
		fmt.Fprintf(stderr, "netid init: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "netid init: drafted %d NetworkIdentity configs; review each, write every reason, then render\n", len(drafts))
	return 0
}

func verify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", verifyUsage, stderr)
	format := fs.String("format", "table", "table or json")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *format != "table" && *format != "json" {
		fmt.Fprintf(stderr, "netid verify: unknown format %q (table or json)\n", *format)
		return 2
	}
	items, fc, err := readInput(fs.Args(), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "netid verify: %v\n", err)
		return 1
	}
	v := process.Verify(items, fc)
	v.Findings.Write(stderr)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "netid verify: %v\n", err)
			return 1
		}
	} else {
		printVerification(stdout, v)
	}
	if v.Failed() {
		if v.Empty != "" {
			fmt.Fprintf(stderr, "netid verify: %s\n", v.Empty)
		}
		for _, m := range v.Mismatches {
			fmt.Fprintf(stderr, "error[proof-connectivity]: %s\n", m.Describe())
		}
		for _, g := range v.Incomplete {
			fmt.Fprintf(stderr, "error[proof-connectivity]: incomplete: %s\n", g.Reason)
		}
		for _, sa := range slices.Sorted(maps.Keys(v.RBACExcess)) {
			fmt.Fprintf(stderr, "error[proof-rbac]: ServiceAccount %s can do more than declared:\n%s", sa, rbac.Table(v.RBACExcess[sa]))
		}
		for _, sa := range slices.Sorted(maps.Keys(v.RBACUnresolved)) {
			for _, b := range v.RBACUnresolved[sa] {
				fmt.Fprintf(stderr, "error[proof-rbac]: ServiceAccount %s is bound by %s %s to %s %s, which is not in the manifests\n", sa, b.Kind, b.Name, b.RoleRef.Kind, b.RoleRef.Name)
			}
		}
		return 1
	}
	return 0
}

func printVerification(w io.Writer, v process.Verification) {
	fmt.Fprintf(w, "Flow matrix (%d endpoints, %d allowed connections", len(v.Endpoints), len(v.Flows))
	if v.Declared {
		fmt.Fprintf(w, ", %d differ from the declaration", len(v.Mismatches))
	}
	fmt.Fprint(w, "):\n\n", proof.Table(v.Flows))
	fmt.Fprintf(w, "\nLayers evaluated: %s\n", strings.Join(v.Layers, ", "))
	for _, o := range v.NotEvaluated {
		what := o.String()
		if o.Field != "" {
			what += " " + o.Field
		}
		fmt.Fprintf(w, "Not evaluated: %s (%s): %s; the flows it opens or closes are not in the matrix\n", what, o.Layer, o.Why)
	}
	for _, o := range v.Inert {
		what := o.String()
		if o.Field != "" {
			what += " " + o.Field
		}
		fmt.Fprintf(w, "Deciding nothing judged: %s (%s): %s\n", what, o.Layer, o.Why)
	}
	printRollout(w, v)
	for _, sa := range slices.Sorted(maps.Keys(v.RBAC)) {
		fmt.Fprintf(w, "\nServiceAccount %s (kubectl auth can-i --list, without the defaults every authenticated user has):\n%s", sa, rbac.Table(v.RBAC[sa]))
	}
}

// printRollout writes each workload's stage and what enforcing would block,
// when some workload observes.
func printRollout(w io.Writer, v process.Verification) {
	var observed []string
	for _, k := range slices.Sorted(maps.Keys(v.Stages)) {
		if v.Stages[k] == v1alpha1.RolloutObserve {
			observed = append(observed, k)
		}
	}
	if len(observed) == 0 {
		return
	}
	fmt.Fprintf(w, "\nObserving (spec.rollout: observe): %s. The matrix above is what the stream opens; the mismatches judge the enforce form.\n", strings.Join(observed, ", "))
	if len(v.WouldBlock) == 0 {
		fmt.Fprint(w, "Enforcing would block nothing the stream opens.\n")
		return
	}
	fmt.Fprintf(w, "Enforcing would block %d connections:\n\n%s", len(v.WouldBlock), proof.Table(v.WouldBlock))
}

// readPath reads the manifests of a file or a directory tree.
func readPath(p string) ([]*yaml.RNode, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return kio.LocalPackageReader{PackagePath: p, MatchFilesGlob: []string{"*.yaml", "*.yml"}, OmitReaderAnnotations: false}.Read()
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), SetAnnotations: map[string]string{"internal.config.kubernetes.io/path": filepath.ToSlash(p)}}).Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return nodes, nil
}

func listRules(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules", rulesUsage, stderr)
	format := fs.String("format", "text", "text, markdown or json")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	switch *format {
	case "text":
		fmt.Fprint(stdout, rules.Text())
	case "markdown":
		fmt.Fprint(stdout, rules.Markdown())
	case "json":
		out, err := rules.JSON()
		if err != nil {
			fmt.Fprintf(stderr, "netid rules: %v\n", err)
			return 1
		}
		stdout.Write(out)
	default:
		fmt.Fprintf(stderr, "netid rules: unknown format %q (text, markdown or json)\n", *format)
		return 2
	}
	return 0
}

func exitOn(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintf(stderr, "netid report: %v\n", err)
		return 1
	}
	return 0
}
