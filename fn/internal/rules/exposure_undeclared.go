package rules

// exposure-undeclared
//
// Governs: whatever exposes a workload outside the cluster: every Service of
// type LoadBalancer or NodePort, every networking.k8s.io/v1 Ingress backend
// (each path's and the default backend) and every Gateway API HTTPRoute
// backendRef (kind Service, the default; other kinds are not judged).
// Requires: the Service exposed is in the render, selects workloads, and each
// of them has a NetworkIdentity declaring spec.exposure. A backend resolves to
// the Service of that name in the object's namespace (a backendRef's
// namespace overrides it), and the Service to the workloads its selector
// matches; an exposure that cannot be traced that far is a violation too.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/fn/internal/finding"
)

var exposureUndeclared = register(&Rule{
	ID:          "exposure-undeclared",
	Title:       "LoadBalancer and NodePort Services, Ingresses and HTTPRoutes expose only workloads that declare their exposure",
	Rationale:   "Exposure outside the cluster is the largest change to a workload's attack surface; made by a Service type, an Ingress or a route that nobody declared, it escapes review, and the NetworkPolicy admitting the controller's traffic is missing or hand-written.",
	Remediation: "Declare spec.exposure (ingress or gateway, with the controller) in the NetworkIdentity of the workload behind the Service, or remove the LoadBalancer/NodePort type, Ingress or HTTPRoute.",
	Severity:    finding.Error,
	Check: func(s *Stream) []Violation {
		var out []Violation
		judge := func(ref finding.Object, meta metav1.ObjectMeta, field, what, ns, svc string) {
			msg, workloads, ok := exposureUndeclaredReach(s, ns, svc)
			if ok {
				return
			}
			if len(workloads) == 0 {
				workloads = s.OwnerOf(ref.Namespace, meta)
			}
			out = append(out, Violation{Object: ref, Field: field, Message: what + " " + msg, Workloads: workloads})
		}
		for _, svc := range s.Services {
			t := svc.Typed.Spec.Type
			if t != corev1.ServiceTypeLoadBalancer && t != corev1.ServiceTypeNodePort {
				continue
			}
			judge(svc.Ref, svc.Typed.ObjectMeta, "spec.type", "type "+string(t)+" exposes", svc.Ref.Namespace, svc.Ref.Name)
		}
		for _, in := range s.Ingresses {
			ns := in.Ref.Namespace
			if b := in.Typed.Spec.DefaultBackend; b != nil && b.Service != nil {
				judge(in.Ref, in.Typed.ObjectMeta, "spec.defaultBackend.service.name", "the default backend exposes", ns, b.Service.Name)
			}
			for i, r := range in.Typed.Spec.Rules {
				if r.HTTP == nil {
					continue
				}
				for j, p := range r.HTTP.Paths {
					if p.Backend.Service == nil {
						continue
					}
					host := fmt.Sprintf("host %q", r.Host)
					if r.Host == "" {
						host = "any host"
					}
					judge(in.Ref, in.Typed.ObjectMeta, fmt.Sprintf("spec.rules[%d].http.paths[%d].backend.service.name", i, j),
						fmt.Sprintf("path %q on %s exposes", p.Path, host), ns, p.Backend.Service.Name)
				}
			}
		}
		for _, rt := range s.HTTPRoutes {
			for i, r := range rt.Typed.Spec.Rules {
				for j, b := range r.BackendRefs {
					if (b.Group != nil && *b.Group != "") || (b.Kind != nil && *b.Kind != "Service") {
						continue
					}
					ns := rt.Ref.Namespace
					if b.Namespace != nil && *b.Namespace != "" {
						ns = string(*b.Namespace)
					}
					judge(rt.Ref, rt.Typed.ObjectMeta, fmt.Sprintf("spec.rules[%d].backendRefs[%d]", i, j),
						fmt.Sprintf("rule %d exposes", i), ns, string(b.Name))
				}
			}
		}
		return out
	},
})

// exposureUndeclaredReach follows Service ns/name to the workloads it selects
// and reports whether each declares its exposure; if not, the rest of the
// message (after "... exposes") and the workloads at fault.
func exposureUndeclaredReach(s *Stream, ns, name string) (string, []string, bool) {
	svc := s.Service(ns, name)
	if svc == nil {
		return fmt.Sprintf("Service %s/%s, which is not in the render, so the exposure cannot be traced to a declared workload", ns, name), nil, false
	}
	reached := s.WorkloadsSelectedBy(ns, svc.Typed.Spec.Selector)
	if len(reached) == 0 {
		return fmt.Sprintf("Service %s/%s, which selects no workload of the render, so the exposure cannot be traced to a declared workload", ns, name), nil, false
	}
	var keys, why []string
	for _, w := range reached {
		d := s.Declared[w.Key()]
		switch {
		case d == nil:
			why = append(why, w.Ref.Kind+" "+w.Key()+" (no NetworkIdentity)")
		case d.Config.Spec.Exposure == nil:
			why = append(why, w.Ref.Kind+" "+w.Key()+" (its NetworkIdentity has no spec.exposure)")
		default:
			continue
		}
		keys = append(keys, w.Key())
	}
	if len(keys) == 0 {
		return "", nil, true
	}
	return fmt.Sprintf("Service %s/%s outside the cluster, but no exposure is declared for %s", ns, name, strings.Join(why, ", ")), keys, false
}
