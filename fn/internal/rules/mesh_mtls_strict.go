package rules

// mesh-mtls-strict
//
// Governs: the spec.mesh of every NetworkIdentity declaration, and every
// Istio PeerAuthentication (security.istio.io) in the stream.
// Requires: each declaration states its mTLS posture: provider istio or
// linkerd with mtls STRICT (the default once a provider is named), or
// provider none with the east-west encryption decision in eastWest. A
// PeerAuthentication may not set spec.mtls.mode, or any
// spec.portLevelMtls.<port>.mode, to PERMISSIVE or DISABLE, which let pods
// accept plaintext from anyone who can reach them.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var meshMTLSStrict = register(&Rule{
	ID:          "mesh-mtls-strict",
	Title:       "Every workload states its mTLS posture, and mesh mTLS is STRICT",
	Rationale:   "NetworkPolicies say which pods may connect, not who is really speaking or whether the bytes can be read on the wire; STRICT mutual TLS authenticates both ends and encrypts the flow, while PERMISSIVE or DISABLE quietly accepts plaintext, and an unstated posture means nobody decided.",
	Remediation: "Set spec.mesh in the NetworkIdentity (provider istio or linkerd with mtls STRICT, or provider none with the eastWest encryption decision), and set PeerAuthentication mtls modes to STRICT.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening > Encryption"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, k := range s.DeclaredKeys() {
			d := s.Declared[k]
			obj, m := d.Object, d.Config.Spec.Mesh
			add := func(field, msg string) {
				out = append(out, Violation{Object: obj, Field: field, Message: msg, Workloads: []string{k}})
			}
			switch {
			case m == nil:
				add("spec.mesh", "mTLS posture not stated for workload "+k+": no spec.mesh")
			case m.Provider == v1alpha1.MeshIstio || m.Provider == v1alpha1.MeshLinkerd:
				// An empty mtls is the default, STRICT.
				if mode := strings.ToUpper(strings.TrimSpace(m.MTLS)); mode != "" && mode != v1alpha1.DefaultMTLS {
					add("spec.mesh.mtls", fmt.Sprintf("%s mTLS is %s for workload %s: its pods accept plaintext connections", m.Provider, m.MTLS, k))
				}
			case m.Provider == v1alpha1.MeshNone:
				if strings.TrimSpace(m.EastWest) == "" {
					add("spec.mesh.eastWest", "mTLS posture not stated for workload "+k+": provider none without the east-west encryption decision")
				}
			default:
				add("spec.mesh.provider", fmt.Sprintf("mTLS posture not stated for workload %s: mesh provider %q is not istio, linkerd or none", k, m.Provider))
			}
		}
		for _, pa := range s.PeerAuthentications {
			out = append(out, meshMTLSPeerAuthentication(s, pa)...)
		}
		return out
	},
})

// meshMTLSPeerAuthentication judges one PeerAuthentication's modes.
func meshMTLSPeerAuthentication(s *Stream, pa *Object[map[string]any]) []Violation {
	spec, _ := pa.Typed["spec"].(map[string]any)
	if spec == nil {
		return nil
	}
	var workloads []string
	sel := meshMTLSMatchLabels(spec)
	if len(sel) == 0 {
		workloads = s.governedIn(pa.Ref.Namespace)
	} else {
		for _, w := range s.WorkloadsSelectedBy(pa.Ref.Namespace, sel) {
			workloads = append(workloads, w.Key())
		}
	}
	var out []Violation
	judge := func(field, where string, mode any) {
		m, _ := mode.(string)
		switch strings.ToUpper(strings.TrimSpace(m)) {
		case "PERMISSIVE":
			out = append(out, Violation{Object: pa.Ref, Field: field, Workloads: workloads,
				Message: "PeerAuthentication sets mTLS mode " + m + where + ": the pods it governs accept plaintext connections"})
		case "DISABLE":
			out = append(out, Violation{Object: pa.Ref, Field: field, Workloads: workloads,
				Message: "PeerAuthentication sets mTLS mode " + m + where + ": the pods it governs neither require nor offer mutual TLS"})
		}
	}
	if mtls, ok := spec["mtls"].(map[string]any); ok {
		judge("spec.mtls.mode", "", mtls["mode"])
	}
	ports, _ := spec["portLevelMtls"].(map[string]any)
	names := make([]string, 0, len(ports))
	for p := range ports {
		names = append(names, p)
	}
	sort.Slice(names, func(i, j int) bool {
		a, errA := strconv.Atoi(names[i])
		b, errB := strconv.Atoi(names[j])
		if errA == nil && errB == nil {
			return a < b
		}
		return names[i] < names[j]
	})
	for _, p := range names {
		if pm, ok := ports[p].(map[string]any); ok {
			judge("spec.portLevelMtls."+p+".mode", " on port "+p, pm["mode"])
		}
	}
	return out
}

// meshMTLSMatchLabels reads spec.selector.matchLabels.
func meshMTLSMatchLabels(spec map[string]any) map[string]string {
	sel, _ := spec["selector"].(map[string]any)
	ml, _ := sel["matchLabels"].(map[string]any)
	out := map[string]string{}
	for k, v := range ml {
		out[k] = fmt.Sprint(v)
	}
	return out
}
