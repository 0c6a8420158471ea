// Package cli is netid's command line: the KRM function itself (no
// arguments) and the report subcommand.
package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/rules"
)

const usage = `netid renders network and identity policy for Kubernetes workloads.

Usage:
  netid                      KRM function: ResourceList on stdin, ResourceList on stdout
  netid validate             KRM validator: judge the ResourceList, change nothing
                             (also: annotation netid.dev/validate-only: "true" on the config)
  netid report [-o FILE] [PATH...]
                             write network-identity.md for a ResourceList on stdin,
                             or for the manifests under PATH (files or directories)
  netid rules [--format text|markdown]
                             list the rules netid enforces (markdown: docs/rules.md)
  netid version              print the version
`

// Version is set at build time with -ldflags "-X netid.dev/netid/fn/internal/cli.Version=…".
var Version = "dev"

// Main runs the command and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return process.Run(stdin, stdout, stderr, process.Options{})
	}
	switch args[0] {
	case "validate":
		return process.Run(stdin, stdout, stderr, process.Options{ValidateOnly: true})
	case "report":
		return report(args[1:], stdin, stdout, stderr)
	case "rules":
		return listRules(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "netid: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func report(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "network-identity.md", `the file to write ("-" for stdout)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var items []*yaml.RNode
	var fc *yaml.RNode
	if fs.NArg() == 0 {
		rw := &kio.ByteReadWriter{Reader: stdin}
		var err error
		if items, err = rw.Read(); err != nil {
			fmt.Fprintf(stderr, "netid report: reading the ResourceList: %v\n", err)
			return 1
		}
		fc = rw.FunctionConfig
	} else {
		for _, p := range fs.Args() {
			nodes, err := readPath(p)
			if err != nil {
				fmt.Fprintf(stderr, "netid report: %v\n", err)
				return 1
			}
			items = append(items, nodes...)
		}
	}
	res := process.Render(items, fc, process.Options{})
	for _, f := range res.Findings {
		fmt.Fprintln(stderr, f.String())
	}
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
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "text or markdown")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch *format {
	case "text":
		fmt.Fprint(stdout, rules.Text())
	case "markdown":
		fmt.Fprint(stdout, rules.Markdown())
	default:
		fmt.Fprintf(stderr, "netid rules: unknown format %q (text or markdown)\n", *format)
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
