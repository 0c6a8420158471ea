package build

import (
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// Route is the Gateway API route of the declared kind that attaches the
// workload's Service to the declared Gateway; nil when the workload is not
// exposed through a Gateway.
func Route(w *plan.Workload) runtime.Object {
	e := w.Exposure
	if e == nil || e.Gateway == nil {
		return nil
	}
	g := e.Gateway
	common := gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{parentRef(g.ParentRef)}}
	var hosts []gatewayv1.Hostname
	for _, h := range g.Hostnames {
		hosts = append(hosts, gatewayv1.Hostname(h))
	}
	port := gatewayv1.PortNumber(e.ServicePort.Port)
	backend := gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(e.Service.Object.Name), Port: &port}}
	meta := Meta(w.Name(), w.Namespace(), w.Name())
	typeMeta := metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: string(g.Kind)}
	switch g.Kind {
	case v1alpha1.RouteGRPC:
		return &gatewayv1.GRPCRoute{TypeMeta: typeMeta, ObjectMeta: meta, Spec: gatewayv1.GRPCRouteSpec{
			CommonRouteSpec: common, Hostnames: hosts,
			Rules: []gatewayv1.GRPCRouteRule{{BackendRefs: []gatewayv1.GRPCBackendRef{{BackendRef: backend}}}},
		}}
	case v1alpha1.RouteTLS:
		return &gatewayv1.TLSRoute{TypeMeta: typeMeta, ObjectMeta: meta, Spec: gatewayv1.TLSRouteSpec{
			CommonRouteSpec: common, Hostnames: hosts,
			Rules: []gatewayv1.TLSRouteRule{{BackendRefs: []gatewayv1.BackendRef{backend}}},
		}}
	case v1alpha1.RouteTCP:
		return &gatewayv1.TCPRoute{TypeMeta: typeMeta, ObjectMeta: meta, Spec: gatewayv1.TCPRouteSpec{
			CommonRouteSpec: common,
			Rules:           []gatewayv1.TCPRouteRule{{BackendRefs: []gatewayv1.BackendRef{backend}}},
		}}
	}
	pathType, path := gatewayv1.PathMatchPathPrefix, g.Path
	return &gatewayv1.HTTPRoute{TypeMeta: typeMeta, ObjectMeta: meta, Spec: gatewayv1.HTTPRouteSpec{
		CommonRouteSpec: common, Hostnames: hosts,
		Rules: []gatewayv1.HTTPRouteRule{{
			Matches:     []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{Type: &pathType, Value: &path}}},
			BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: backend}},
		}},
	}}
}

func parentRef(r v1alpha1.ParentRef) gatewayv1.ParentReference {
	parent := gatewayv1.ParentReference{Name: gatewayv1.ObjectName(r.Name)}
	if r.Namespace != "" {
		ns := gatewayv1.Namespace(r.Namespace)
		parent.Namespace = &ns
	}
	if r.SectionName != "" {
		sn := gatewayv1.SectionName(r.SectionName)
		parent.SectionName = &sn
	}
	return parent
}

// Ingress routes the declared host to the workload's Service; nil when the
// workload is not exposed through an Ingress.
func Ingress(w *plan.Workload) *networkingv1.Ingress {
	e := w.Exposure
	if e == nil || e.Ingress == nil {
		return nil
	}
	in := e.Ingress
	class := in.ClassName
	pathType := networkingv1.PathTypePrefix
	backend := networkingv1.IngressServiceBackend{Name: e.Service.Object.Name}
	// An Ingress names a Service port by an IANA_SVC_NAME (at most 15
	// characters), a Service port name may have 63: past 15, use its number.
	if e.ServicePort.Name != "" && len(validation.IsValidPortName(e.ServicePort.Name)) == 0 {
		backend.Port.Name = e.ServicePort.Name
	} else {
		backend.Port.Number = e.ServicePort.Port
	}
	o := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: Meta(w.Name(), w.Namespace(), w.Name()),
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			Rules: []networkingv1.IngressRule{{
				Host: in.Host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{Path: in.Path, PathType: &pathType, Backend: networkingv1.IngressBackend{Service: &backend}}},
				}},
			}},
		},
	}
	if in.TLSSecret != "" {
		o.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{in.Host}, SecretName: in.TLSSecret}}
	}
	return o
}
