package build

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"netid.dev/netid/fn/internal/plan"
)

// CiliumFQDNPolicy admits one FQDN flow at its caller as a cilium.io/v2
// CiliumNetworkPolicy. Cilium learns the names' addresses from DNS answers, so
// the policy also sends the caller's DNS through Cilium's DNS proxy.
func CiliumFQDNPolicy(w *plan.Workload, f *plan.Flow, dnsNamespace string, dnsLabels map[string]string) *unstructured.Unstructured {
	match := map[string]any{"matchName": f.To.FQDN}
	if strings.HasPrefix(f.To.FQDN, "*.") {
		match = map[string]any{"matchPattern": f.To.FQDN}
	}
	var ports []any
	for _, p := range f.Ports {
		ports = append(ports, map[string]any{"port": p.Target.String(), "protocol": string(p.Protocol)})
	}
	dnsEndpoint := map[string]any{"k8s:io.kubernetes.pod.namespace": dnsNamespace}
	for k, v := range dnsLabels {
		dnsEndpoint["k8s:"+k] = v
	}
	sel := map[string]any{}
	if len(w.Selector().MatchLabels) > 0 {
		ml := map[string]any{}
		for k, v := range w.Selector().MatchLabels {
			ml[k] = v
		}
		sel["matchLabels"] = ml
	}
	if len(w.Selector().MatchExpressions) > 0 {
		var exprs []any
		for _, e := range w.Selector().MatchExpressions {
			vals := make([]any, 0, len(e.Values))
			for _, v := range e.Values {
				vals = append(vals, v)
			}
			exprs = append(exprs, map[string]any{"key": e.Key, "operator": string(e.Operator), "values": vals})
		}
		sel["matchExpressions"] = exprs
	}
	meta := Meta(f.EgressPolicy, w.Namespace(), w.Name())
	labels := map[string]any{}
	for k, v := range meta.Labels {
		labels[k] = v
	}
	annos := map[string]any{}
	for k, v := range flowAnnotations(f.To, f.Reason(false)) {
		annos[k] = v
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cilium.io/v2",
		"kind":       "CiliumNetworkPolicy",
		"metadata":   map[string]any{"name": meta.Name, "namespace": meta.Namespace, "labels": labels, "annotations": annos},
		"spec": map[string]any{
			"endpointSelector": sel,
			"egress": []any{
				map[string]any{"toFQDNs": []any{match}, "toPorts": []any{map[string]any{"ports": ports}}},
				map[string]any{
					"toEndpoints": []any{map[string]any{"matchLabels": dnsEndpoint}},
					"toPorts": []any{map[string]any{
						"ports": []any{map[string]any{"port": strconv.Itoa(53), "protocol": "ANY"}},
						"rules": map[string]any{"dns": []any{map[string]any{"matchPattern": "*"}}},
					}},
				},
			},
		},
	}}
}
