package build

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"netid.dev/netid/fn/internal/plan"
)

// CiliumFQDNPolicy admits one FQDN flow at its caller as a cilium.io/v2
// CiliumNetworkPolicy. Cilium learns the names' addresses from DNS answers, so
// the policy also sends the caller's DNS through Cilium's DNS proxy. A
// flow's L7 restriction (CiliumL7Rules) applies to the named hosts' ports.
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
		sel["matchLabels"] = stringMap(w.Selector().MatchLabels)
	}
	if len(w.Selector().MatchExpressions) > 0 {
		var exprs []any
		for _, e := range w.Selector().MatchExpressions {
			exprs = append(exprs, map[string]any{"key": e.Key, "operator": string(e.Operator), "values": stringList(e.Values)})
		}
		sel["matchExpressions"] = exprs
	}
	meta := Meta(f.EgressPolicy, w.Namespace(), w.Name())
	meta.Annotations = flowAnnotations(f.To, f.Reason(false))
	fqdnPorts := map[string]any{"ports": ports}
	if rules := CiliumL7Rules(f.L7); rules != nil {
		fqdnPorts["rules"] = rules
	}
	return unstructuredObject("cilium.io/v2", "CiliumNetworkPolicy", meta, map[string]any{
		"endpointSelector": sel,
		"egress": []any{
			map[string]any{"toFQDNs": []any{match}, "toPorts": []any{fqdnPorts}},
			map[string]any{
				"toEndpoints": []any{map[string]any{"matchLabels": dnsEndpoint}},
				"toPorts": []any{map[string]any{
					// DNS is UDP and TCP 53, as the namespace's DNS egress
					// declares: ANY would open SCTP 53 too.
					"ports": []any{map[string]any{"port": strconv.Itoa(53), "protocol": "UDP"}, map[string]any{"port": strconv.Itoa(53), "protocol": "TCP"}},
					"rules": map[string]any{"dns": []any{map[string]any{"matchPattern": "*"}}},
				}},
			},
		},
	})
}
