package build

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// unstructuredObject builds an object of a kind this module has no Go types
// for (Cilium, Linkerd) with the generated-object metadata.
func unstructuredObject(apiVersion, kind string, meta metav1.ObjectMeta, spec map[string]any) *unstructured.Unstructured {
	m := map[string]any{"name": meta.Name, "namespace": meta.Namespace, "labels": stringMap(meta.Labels)}
	if len(meta.Annotations) > 0 {
		m["annotations"] = stringMap(meta.Annotations)
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": m, "spec": spec}}
}

// annotate sets an unstructured object's annotations.
func annotate(o *unstructured.Unstructured, annos map[string]string) {
	o.Object["metadata"].(map[string]any)["annotations"] = stringMap(annos)
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func stringList(s []string) []any {
	out := make([]any, 0, len(s))
	for _, v := range s {
		out = append(out, v)
	}
	return out
}
