// Command kustomize writes the synthetic estate (package estate) as
// kustomizations and a kpt package, for hack/bench/kustomize.sh (which also
// profiles a build in-process with hack/bench/krusty).
//
//	go run ./hack/bench/kustomize -n 300 -dir /tmp/estate -netid bin/netid -passthrough bin/passthrough
//
// The fixture directory holds:
//
//	app/          the estate's Deployments and Services, as a kustomization
//	identities/   its NetworkIdentity configs (local-config), as one
//	none/         app and identities, no transformer
//	passthrough/  app and identities with the pass-through function as the
//	              exec transformer (its config: the first workload's)
//	netid/        the same with netid (the default layout)
//	netid-<l>/    the same with NetworkPolicy layout <l>, per -layouts
//	kpt/          a kpt package: the objects, the configs, and a Kptfile
//	              whose pipeline runs netid as an exec mutator
//	apps/<ns>/    app split by namespace, one kustomization each
//	configs.yaml  every NetworkIdentity, for the pipe form's --config:
//	              kustomize build app | netid render --config configs.yaml,
//	              or one build per apps/<ns>/, concatenated, into netid render
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/internal/estate"
)

func main() {
	n := flag.Int("n", 100, "number of workloads")
	dir := flag.String("dir", "", "write the fixture into this directory")
	netid := flag.String("netid", "bin/netid", "the netid binary")
	passthrough := flag.String("passthrough", "bin/passthrough", "the pass-through binary")
	layouts := flag.String("layouts", "", "comma-separated netid.dev/network-policy-layout values, one netid-<layout>/ each")
	flag.Parse()
	err := fmt.Errorf("-dir is required")
	if *dir != "" {
		err = write(*n, *dir, *netid, *passthrough, *layouts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func write(n int, dir, netid, passthrough, layouts string) error {
	rw := &kio.ByteReader{Reader: strings.NewReader(estate.ResourceList(n)), OmitReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		return err
	}
	objects, err := stream(items)
	if err != nil {
		return err
	}
	config, err := rw.FunctionConfig.String()
	if err != nil {
		return err
	}
	var apps, configs []*yaml.RNode
	for _, it := range items {
		if it.GetKind() == "NetworkIdentity" {
			configs = append(configs, it)
		} else {
			apps = append(apps, it)
		}
	}
	app, err := stream(apps)
	if err != nil {
		return err
	}
	byNamespace := map[string][]*yaml.RNode{}
	for _, a := range apps {
		byNamespace[a.GetNamespace()] = append(byNamespace[a.GetNamespace()], a)
	}
	identities, err := stream(configs)
	if err != nil {
		return err
	}
	all, err := stream(append(configs, rw.FunctionConfig))
	if err != nil {
		return err
	}
	files := map[string]string{
		"app/resources.yaml":            app,
		"app/kustomization.yaml":        "resources: [resources.yaml]\n",
		"identities/resources.yaml":     identities,
		"identities/kustomization.yaml": "resources: [resources.yaml]\n",
		"none/kustomization.yaml":       "resources: [../app, ../identities]\n",
		"configs.yaml":                  all,
		"kpt/resources.yaml":            objects,
		"kpt/fn.yaml":                   config,
	}
	for ns, objects := range byNamespace {
		content, err := stream(objects)
		if err != nil {
			return err
		}
		files["apps/"+ns+"/resources.yaml"] = content
		files["apps/"+ns+"/kustomization.yaml"] = "resources: [resources.yaml]\n"
	}
	abs := func(p string) (string, error) { return filepath.Abs(p) }
	pt, err := abs(passthrough)
	if err != nil {
		return err
	}
	nb, err := abs(netid)
	if err != nil {
		return err
	}
	transformer := func(name, bin, layout string) error {
		fn, err := yaml.Parse(config)
		if err != nil {
			return err
		}
		if err := fn.PipeE(yaml.SetAnnotation("config.kubernetes.io/function", "exec: {path: "+bin+"}")); err != nil {
			return err
		}
		if layout != "" {
			if err := fn.PipeE(yaml.SetAnnotation("netid.dev/network-policy-layout", layout)); err != nil {
				return err
			}
		}
		files[name+"/fn.yaml"] = fn.MustString()
		files[name+"/kustomization.yaml"] = "resources: [../app, ../identities]\ntransformers: [fn.yaml]\n"
		return nil
	}
	if err := transformer("passthrough", pt, ""); err != nil {
		return err
	}
	if err := transformer("netid", nb, ""); err != nil {
		return err
	}
	for _, l := range strings.Split(layouts, ",") {
		if l != "" {
			if err := transformer("netid-"+l, nb, l); err != nil {
				return err
			}
		}
	}
	files["kpt/Kptfile"] = fmt.Sprintf(`apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: estate
  annotations: {config.kubernetes.io/local-config: "true"}
pipeline:
  mutators:
  - exec: %s
    configPath: fn.yaml
`, nb)
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func stream(nodes []*yaml.RNode) (string, error) {
	var b bytes.Buffer
	for _, n := range nodes {
		_ = n.PipeE(yaml.ClearAnnotation(kioutil.IndexAnnotation), yaml.ClearAnnotation(kioutil.LegacyIndexAnnotation))
	}
	err := kio.ByteWriter{Writer: &b}.Write(nodes)
	return b.String(), err
}
