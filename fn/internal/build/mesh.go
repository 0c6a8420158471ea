package build

import (
	"sort"
	"strconv"

	securityv1beta1 "istio.io/api/security/v1beta1"
	typev1beta1 "istio.io/api/type/v1beta1"
	securityv1 "istio.io/client-go/pkg/apis/security/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// istio reports whether the workload adopted Istio.
func istio(w *plan.Workload) bool {
	return w.Spec.Mesh != nil && w.Spec.Mesh.Provider == v1alpha1.MeshIstio
}

// istioSelector selects the workload's pods (Istio selectors take labels only).
func istioSelector(w *plan.Workload) *typev1beta1.WorkloadSelector {
	labels := w.Selector().MatchLabels
	if len(labels) == 0 {
		labels = w.Source.Template.Labels
	}
	return &typev1beta1.WorkloadSelector{MatchLabels: labels}
}

// PeerAuthentication sets the workload's mTLS mode (STRICT unless declared
// otherwise); nil unless the workload adopted Istio.
func PeerAuthentication(w *plan.Workload) *securityv1.PeerAuthentication {
	if !istio(w) {
		return nil
	}
	mode := securityv1beta1.PeerAuthentication_MutualTLS_STRICT
	if w.Spec.Mesh.MTLS == "PERMISSIVE" {
		mode = securityv1beta1.PeerAuthentication_MutualTLS_PERMISSIVE
	}
	pa := &securityv1.PeerAuthentication{
		TypeMeta:   metav1.TypeMeta{APIVersion: "security.istio.io/v1", Kind: "PeerAuthentication"},
		ObjectMeta: Meta(w.Name(), w.Namespace(), w.Name()),
	}
	pa.Spec.Selector = istioSelector(w)
	pa.Spec.Mtls = &securityv1beta1.PeerAuthentication_MutualTLS{Mode: mode}
	return pa
}

// AuthorizationPolicy allows, at the workload, exactly its inbound flows: from
// the callers' SPIFFE principals (cluster.local/ns/NS/sa/SA) where known, else
// their namespaces or address blocks, on the declared ports. With no inbound
// flow it has no rule and so denies every request. Nil unless Istio.
func AuthorizationPolicy(w *plan.Workload) *securityv1.AuthorizationPolicy {
	if !istio(w) {
		return nil
	}
	ap := &securityv1.AuthorizationPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy"},
		ObjectMeta: Meta(w.Name(), w.Namespace(), w.Name()),
	}
	ap.Spec.Selector = istioSelector(w)
	ap.Spec.Action = securityv1beta1.AuthorizationPolicy_ALLOW
	for _, f := range w.In {
		if f.Probe {
			continue // ztunnel lets the kubelet's probes through unauthorized
		}
		src := &securityv1beta1.Source{}
		switch e := f.From; {
		case e.Kind == plan.KindCIDR:
			src.IpBlocks, src.NotIpBlocks = []string{e.CIDR}, e.Except
		case e.ServiceAccount != "":
			src.Principals = []string{Principal(e.Namespace, e.ServiceAccount)}
		default:
			src.Namespaces = []string{e.Namespace}
		}
		rule := &securityv1beta1.Rule{From: []*securityv1beta1.Rule_From{{Source: src}}}
		if ports := istioPorts(w, f.Ports); len(ports) > 0 {
			rule.To = []*securityv1beta1.Rule_To{{Operation: &securityv1beta1.Operation{Ports: ports}}}
		}
		ap.Spec.Rules = append(ap.Spec.Rules, rule)
	}
	return ap
}

// Principal is the SPIFFE identity Istio gives a ServiceAccount.
func Principal(namespace, serviceAccount string) string {
	return "cluster.local/ns/" + namespace + "/sa/" + serviceAccount
}

// istioPorts are the flow's pod ports as numbers (Istio matches numbers):
// named ones through the workload's container ports.
func istioPorts(w *plan.Workload, ps []plan.Port) []string {
	seen := map[string]bool{}
	for _, p := range ps {
		if p.Target.Type == intstr.Int {
			seen[strconv.Itoa(int(p.Target.IntVal))] = true
			continue
		}
		for _, c := range w.Source.Template.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Name == p.Target.StrVal {
					seen[strconv.Itoa(int(cp.ContainerPort))] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
