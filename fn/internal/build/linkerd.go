package build

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// Linkerd policy API versions (Linkerd 2.15 and later).
const (
	linkerdGroup           = "policy.linkerd.io"
	linkerdServerVersion   = linkerdGroup + "/v1beta3"
	linkerdPolicyVersion   = linkerdGroup + "/v1alpha1"
	linkerdUnknownProtocol = "unknown"
)

// Linkerd returns, for a workload that adopted Linkerd, the policy objects
// that admit exactly its inbound flows: a Server per inbound port (which makes
// Linkerd deny that port by default), and per flow an AuthorizationPolicy on
// each of its ports requiring a MeshTLSAuthentication of the caller's
// ServiceAccount (every ServiceAccount of the caller's namespace when none is
// declared) or, for an address block, a NetworkAuthentication. Nil otherwise.
func Linkerd(w *plan.Workload) []*unstructured.Unstructured {
	if w.Spec.Mesh == nil || w.Spec.Mesh.Provider != v1alpha1.MeshLinkerd {
		return nil
	}
	var out []*unstructured.Unstructured
	servers := map[string]bool{}
	for _, f := range w.In {
		for _, p := range f.Ports {
			name := serverName(w, p.Target)
			if !servers[name] {
				servers[name] = true
				out = append(out, linkerdObject(linkerdServerVersion, "Server", name, w, map[string]any{
					"podSelector":   map[string]any{"matchLabels": stringMap(istioSelector(w).MatchLabels)},
					"port":          portValue(p.Target),
					"proxyProtocol": linkerdUnknownProtocol,
				}))
			}
		}
	}
	for _, f := range w.In {
		authKind, auth := linkerdAuthentication(f.From)
		authName := f.IngressPolicy
		out = append(out, linkerdObject(linkerdPolicyVersion, authKind, authName, w, auth))
		for _, p := range f.Ports {
			o := linkerdObject(linkerdPolicyVersion, "AuthorizationPolicy", authName+"-"+portSlug(p.Target), w, map[string]any{
				"targetRef":                  map[string]any{"group": linkerdGroup, "kind": "Server", "name": serverName(w, p.Target)},
				"requiredAuthenticationRefs": []any{map[string]any{"group": linkerdGroup, "kind": authKind, "name": authName}},
			})
			annotate(o, flowAnnotations(f.From, f.Reason(true)))
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].GetKind() < out[j].GetKind() })
	return out
}

func linkerdAuthentication(e plan.Endpoint) (string, map[string]any) {
	if e.Kind == plan.KindCIDR {
		network := map[string]any{"cidr": e.CIDR}
		if len(e.Except) > 0 {
			network["except"] = stringList(e.Except)
		}
		return "NetworkAuthentication", map[string]any{"networks": []any{network}}
	}
	// Every ServiceAccount of a namespace is a Namespace reference: the
	// policy controller requires a ServiceAccount reference to name one.
	ref := map[string]any{"kind": "Namespace", "name": e.Namespace}
	if e.ServiceAccount != "" {
		ref = map[string]any{"kind": "ServiceAccount", "namespace": e.Namespace, "name": e.ServiceAccount}
	}
	return "MeshTLSAuthentication", map[string]any{"identityRefs": []any{ref}}
}

func linkerdObject(apiVersion, kind, name string, w *plan.Workload, spec map[string]any) *unstructured.Unstructured {
	return unstructuredObject(apiVersion, kind, Meta(plan.Fit(name), w.Namespace(), w.Name()), spec)
}

func serverName(w *plan.Workload, port intstr.IntOrString) string {
	return plan.Fit(w.Name() + "-" + portSlug(port))
}

func portSlug(port intstr.IntOrString) string { return strings.ToLower(port.String()) }

func portValue(port intstr.IntOrString) any {
	if port.Type == intstr.Int {
		return int64(port.IntVal)
	}
	return port.StrVal
}
