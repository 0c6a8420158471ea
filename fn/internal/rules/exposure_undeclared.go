package rules

// exposure-undeclared
//
// Governs: whatever exposes a workload outside the cluster, each path by its
// kind: every Service of type LoadBalancer (needs spec.exposure.loadBalancer
// naming it) or NodePort (spec.exposure.nodePort naming it), every Service
// with spec.externalIPs (no declaration admits it: netid has no exposure kind
// for addresses the nodes answer for), every networking.k8s.io/v1 Ingress
// backend, each path's and the default backend (spec.exposure.ingress), and
// every backendRef of kind Service (the default; other kinds are not judged)
// of every Gateway API route: HTTPRoute, GRPCRoute, TLSRoute, TCPRoute and
// UDPRoute (spec.exposure.gateway of that kind). An Ingress backend on a host
// that no spec.tls entry covers also needs spec.exposure.ingress.plainReason.
// Requires: the Service exposed is in the render, selects workloads, and each
// of them has a NetworkIdentity declaring that path's kind. A backend
// resolves to the Service of that name in the object's namespace (a
// backendRef's namespace overrides it), and the Service to the workloads its
// selector matches; an exposure that cannot be traced that far is a
// violation too.

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

// exposureNeed says whether a workload's declared exposure names a path: ""
// when it does, else what is missing.
type exposureNeed func(e *v1alpha1.Exposure) string

var exposureUndeclared = register(&Rule{
	ID:          "exposure-undeclared",
	Title:       "Every path that exposes a workload (LoadBalancer or NodePort Service, externalIPs, Ingress, Gateway API route) is declared by its kind",
	Rationale:   "Exposure outside the cluster is the largest change to a workload's attack surface; made by a Service type, externalIPs, an Ingress or a route that nobody declared, it escapes review, and no NetworkPolicy admits its traffic, so it is either broken or held open by a hand-written policy. Each kind carries its traffic from other sources (controller pods, load balancer or node addresses), so a declared Ingress does not make a LoadBalancer Service safe or working; a plain-HTTP Ingress sends what it carries in the clear.",
	Remediation: "Declare the path by its kind in spec.exposure of the NetworkIdentity of the workload behind the Service (loadBalancer or nodePort naming the Service with its sourceRanges, ingress with a tlsSecret or a plainReason, gateway with the route's kind), or remove the Service type, externalIPs, Ingress or route.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening"),
		controls.NISTControl("4.3.3"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		judge := func(ref finding.Object, meta metav1.ObjectMeta, field, what, ns, svc string, need exposureNeed) bool {
			msg, workloads, ok := exposureUndeclaredReach(s, ns, svc, need)
			if ok {
				return true
			}
			if len(workloads) == 0 {
				workloads = s.OwnerOf(ref.Namespace, meta)
			}
			out = append(out, Violation{Object: ref, Field: field, Message: what + " " + msg, Workloads: workloads})
			return false
		}
		for _, svc := range s.Services {
			names := previousNames(svc.Typed.ObjectMeta)
			switch t := svc.Typed.Spec.Type; t {
			case corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort:
				_ = judge(svc.Ref, svc.Typed.ObjectMeta, "spec.type", "type "+string(t)+" exposes", svc.Ref.Namespace, svc.Ref.Name, serviceNeed(t, names))
			}
			if len(svc.Typed.Spec.ExternalIPs) > 0 {
				_ = judge(svc.Ref, svc.Typed.ObjectMeta, "spec.externalIPs", "externalIPs ("+strings.Join(svc.Typed.Spec.ExternalIPs, ", ")+") expose", svc.Ref.Namespace, svc.Ref.Name,
					func(*v1alpha1.Exposure) string {
						return "spec.exposure has no kind for externalIPs; declare a LoadBalancer Service as spec.exposure.loadBalancer instead"
					})
			}
		}
		ingressNeed := func(e *v1alpha1.Exposure) string {
			if e.Ingress == nil {
				return "its NetworkIdentity declares no spec.exposure.ingress"
			}
			return ""
		}
		plainNeed := func(e *v1alpha1.Exposure) string {
			if e.Ingress == nil || e.Ingress.PlainReason == "" {
				return "its NetworkIdentity declares no spec.exposure.ingress.plainReason"
			}
			return ""
		}
		for _, in := range s.Ingresses {
			ns := in.Ref.Namespace
			if b := in.Typed.Spec.DefaultBackend; b != nil && b.Service != nil {
				// Plain HTTP is judged on a declared path only: an
				// undeclared one is refused already.
				if judge(in.Ref, in.Typed.ObjectMeta, "spec.defaultBackend.service.name", "the default backend exposes", ns, b.Service.Name, ingressNeed) && len(in.Typed.Spec.TLS) == 0 {
					judge(in.Ref, in.Typed.ObjectMeta, "spec.tls", "the default backend serves plain HTTP (no spec.tls) for", ns, b.Service.Name, plainNeed)
				}
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
					declared := judge(in.Ref, in.Typed.ObjectMeta, fmt.Sprintf("spec.rules[%d].http.paths[%d].backend.service.name", i, j),
						fmt.Sprintf("path %q on %s exposes", p.Path, host), ns, p.Backend.Service.Name, ingressNeed)
					if declared && !ingressTLSCovers(in.Typed.Spec.TLS, r.Host) {
						judge(in.Ref, in.Typed.ObjectMeta, "spec.tls",
							fmt.Sprintf("path %q on %s serves plain HTTP (no spec.tls entry for the host) for", p.Path, host), ns, p.Backend.Service.Name, plainNeed)
					}
				}
			}
		}
		for _, rt := range s.Routes {
			kind := v1alpha1.RouteKind(rt.Ref.Kind)
			need := func(e *v1alpha1.Exposure) string {
				if e.Gateway == nil || e.Gateway.Kind != kind {
					return "its NetworkIdentity declares no spec.exposure.gateway of kind " + string(kind)
				}
				return ""
			}
			for i, r := range rt.Typed.Spec.Rules {
				for j, b := range r.BackendRefs {
					if (b.Group != nil && *b.Group != "") || (b.Kind != nil && *b.Kind != "Service") {
						continue
					}
					ns := rt.Ref.Namespace
					if b.Namespace != nil && *b.Namespace != "" {
						ns = string(*b.Namespace)
					}
					_ = judge(rt.Ref, metav1.ObjectMeta{Namespace: rt.Ref.Namespace, Name: rt.Ref.Name, Labels: routeLabels(rt)}, fmt.Sprintf("spec.rules[%d].backendRefs[%d]", i, j),
						fmt.Sprintf("rule %d exposes", i), ns, string(b.Name), need)
				}
			}
		}
		return out
	},
})

// serviceNeed is the declaration a LoadBalancer or NodePort Service needs:
// that kind, naming the Service (by its name or a name it had before
// kustomize renamed it).
func serviceNeed(t corev1.ServiceType, names []string) exposureNeed {
	return func(e *v1alpha1.Exposure) string {
		d, field := e.LoadBalancer, "loadBalancer"
		if t == corev1.ServiceTypeNodePort {
			d, field = e.NodePort, "nodePort"
		}
		switch {
		case d == nil:
			return "its NetworkIdentity declares no spec.exposure." + field
		case !slices.Contains(names, d.Service):
			return fmt.Sprintf("its spec.exposure.%s names Service %q, not this one", field, d.Service)
		}
		return ""
	}
}

// previousNames are the names a Service answers to in a declaration: its
// own, then those kustomize recorded before renaming it.
func previousNames(meta metav1.ObjectMeta) []string {
	names := []string{meta.Name}
	if prev := meta.Annotations["internal.config.kubernetes.io/previousNames"]; prev != "" {
		names = append(names, strings.Split(prev, ",")...)
	}
	return names
}

// ingressTLSCovers reports whether a TLS entry lists the host (an entry
// without hosts covers every host, as ingress controllers read it).
func ingressTLSCovers(tls []networkingv1.IngressTLS, host string) bool {
	for _, t := range tls {
		if len(t.Hosts) == 0 || slices.Contains(t.Hosts, host) {
			return true
		}
	}
	return false
}

// routeLabels are a route's labels, to attribute it to its owner when its
// backend cannot be traced.
func routeLabels(rt *Object[Route]) map[string]string {
	if rt.Node == nil {
		return nil
	}
	return rt.Node.GetLabels()
}

// exposureUndeclaredReach follows Service ns/name to the workloads it selects
// and reports whether each declares the path need asks for; if not, the rest
// of the message (after "... exposes") and the workloads at fault.
func exposureUndeclaredReach(s *Stream, ns, name string, need exposureNeed) (string, []string, bool) {
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
			missing := need(d.Config.Spec.Exposure)
			if missing == "" {
				continue
			}
			why = append(why, w.Ref.Kind+" "+w.Key()+" ("+missing+")")
		}
		keys = append(keys, w.Key())
	}
	if len(keys) == 0 {
		return "", nil, true
	}
	return fmt.Sprintf("Service %s/%s outside the cluster, but that path is not declared for %s", ns, name, strings.Join(why, ", ")), keys, false
}
