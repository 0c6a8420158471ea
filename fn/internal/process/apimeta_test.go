package process

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// apiMeta validates an object's metadata as the API server does for its
// kind: RBAC names are path segments, a Namespace's a DNS label, every other
// kind's (custom resources included) a DNS subdomain; labels, annotations
// and their 256 KiB total as for every object.
func apiMeta(u *unstructured.Unstructured) field.ErrorList {
	nameFn := apivalidation.NameIsDNSSubdomain
	switch u.GetKind() {
	case "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding":
		nameFn = path.ValidatePathSegmentName
	case "Namespace":
		nameFn = apivalidation.ValidateNamespaceName
	}
	// the cluster-scoped kinds netid renders: Calico's Tier,
	// GlobalNetworkPolicy and StagedGlobalNetworkPolicy, Antrea's Tier and
	// ClusterNetworkPolicy, the upstream ClusterNetworkPolicy, Cilium's
	// CiliumClusterwideNetworkPolicy
	namespaced := !slices.Contains([]string{"Namespace", "ClusterRole", "ClusterRoleBinding",
		"Tier", "GlobalNetworkPolicy", "StagedGlobalNetworkPolicy", "ClusterNetworkPolicy", "CiliumClusterwideNetworkPolicy"}, u.GetKind())
	return apivalidation.ValidateObjectMetaAccessor(u, namespaced, nameFn, field.NewPath("metadata"))
}

// TestGeneratedMetadataValid: every object any golden case generates for the
// cluster has metadata the API server accepts (names, namespace, labels,
// annotations).
func TestGeneratedMetadataValid(t *testing.T) {
	outputs, _ := filepath.Glob("testdata/*/output.yaml")
	n := 0
	for _, out := range outputs {
		data, err := os.ReadFile(out)
		if err != nil || len(data) == 0 {
			continue
		}
		items, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
		if err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		for _, it := range items {
			// The report is local-config: kustomize and kpt never send it.
			if a := it.GetAnnotations(); a["netid.dev/generated"] != "true" || a["config.kubernetes.io/local-config"] == "true" {
				continue
			}
			j, err := it.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(j); err != nil {
				t.Fatal(err)
			}
			n++
			for _, e := range apiMeta(u) {
				t.Errorf("%s: %s %s/%s: %v", filepath.Dir(out), u.GetKind(), u.GetNamespace(), u.GetName(), e)
			}
		}
	}
	if n == 0 {
		t.Fatal("no generated object found in the golden outputs")
	}
	t.Logf("%d generated objects checked", n)
}

// apiMeta refuses what the API server refuses, so TestGeneratedMetadataValid
// can fail.
func TestAPIMetaRefuses(t *testing.T) {
	obj := func(kind, ns, name string, labels map[string]any) *unstructured.Unstructured {
		meta := map[string]any{"name": name}
		if ns != "" {
			meta["namespace"] = ns
		}
		if labels != nil {
			meta["labels"] = labels
		}
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": kind, "metadata": meta}}
	}
	for _, u := range []*unstructured.Unstructured{
		obj("ClusterRole", "", "netid:shop:cart", nil),
		obj("Namespace", "", strings.Repeat("n", 63), nil),
		obj("NetworkPolicy", "shop", strings.Repeat("p", 253), map[string]any{"netid.dev/workload": strings.Repeat("w", 63)}),
	} {
		if errs := apiMeta(u); len(errs) > 0 {
			t.Errorf("%s %s refused: %v", u.GetKind(), u.GetName(), errs)
		}
	}
	for _, u := range []*unstructured.Unstructured{
		obj("ClusterRole", "", "netid/shop", nil),
		obj("Namespace", "", "shop.example", nil),
		obj("NetworkPolicy", "shop", "cart:ingress", nil),
		obj("NetworkPolicy", "shop", strings.Repeat("p", 254), nil),
		obj("ServiceAccount", "shop", "cart", map[string]any{"netid.dev/workload": strings.Repeat("w", 64)}),
		obj("ServiceAccount", "", "cart", nil),
	} {
		if errs := apiMeta(u); len(errs) == 0 {
			t.Errorf("%s %s/%s accepted", u.GetKind(), u.GetNamespace(), u.GetName())
		}
	}
}
