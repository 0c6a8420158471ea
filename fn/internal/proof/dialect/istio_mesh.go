package dialect

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"netid.dev/netid/fn/internal/proof/model"
)

// The labels that put a pod in Istio's mesh.
//
// Sidecar injection (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy,
// and the injector's webhooks as the istiod chart installs them): a
// namespace labelled istio-injection=enabled, or one with istio.io/rev set
// and no istio-injection label, has its pods injected unless the pod is
// labelled sidecar.istio.io/inject=false; in a namespace with neither label a
// pod is injected when labelled sidecar.istio.io/inject=true or istio.io/rev
// (and not inject=false). "If either label is disabled, the pod is not
// injected": istio-injection=disabled (or any value but enabled) is never
// overridden by the pod. Pods of kube-system and kube-public are never
// injected.
//
// Ambient (https://istio.io/latest/docs/ambient/usage/add-workloads/): a
// pod is captured by ztunnel when its namespace or the pod itself is labelled
// istio.io/dataplane-mode=ambient and the pod is not labelled
// istio.io/dataplane-mode=none; a pod with a sidecar is left to its sidecar.
// kube-system is excluded (the CNI agent's default exclusion).
const (
	istioInjectionLabel = "istio-injection"
	istioRevLabel       = "istio.io/rev"
	istioInjectLabel    = "sidecar.istio.io/inject"
	istioDataplaneLabel = "istio.io/dataplane-mode"
)

// istioReq is one requirement on fixed keys and values (valid by
// construction).
func istioReq(key string, op selection.Operator, vals ...string) model.Match {
	r, err := labels.NewRequirement(key, op, vals)
	if err != nil {
		panic("istio: " + err.Error())
	}
	return model.Selector(labels.NewSelector().Add(*r))
}

// istioNotKube excludes the namespaces the injector never injects into.
func istioNotKube() model.Match {
	return istioReq(corev1.LabelMetadataName, selection.NotIn, "kube-system", "kube-public")
}

// istioSidecar is the pods with an injected sidecar.
func istioSidecar() []model.Peer {
	injDNE := istioReq(istioInjectionLabel, selection.DoesNotExist)
	revDNE := istioReq(istioRevLabel, selection.DoesNotExist)
	notFalse := istioReq(istioInjectLabel, selection.NotEquals, "false")
	return []model.Peer{
		{Pods: true, NS: model.And(istioNotKube(), istioReq(istioInjectionLabel, selection.Equals, "enabled")), Labels: notFalse},
		{Pods: true, NS: model.And(istioNotKube(), injDNE, istioReq(istioRevLabel, selection.Exists)), Labels: notFalse},
		{Pods: true, NS: model.And(istioNotKube(), injDNE, revDNE), Labels: istioReq(istioInjectLabel, selection.Equals, "true")},
		{Pods: true, NS: model.And(istioNotKube(), injDNE, revDNE), Labels: model.And(istioReq(istioRevLabel, selection.Exists), notFalse)},
	}
}

// istioNoSidecar is the complement of istioSidecar among pods, one peer per
// case of the namespace's labels.
func istioNoSidecar() []model.Peer {
	injDNE := istioReq(istioInjectionLabel, selection.DoesNotExist)
	revDNE := istioReq(istioRevLabel, selection.DoesNotExist)
	isFalse := istioReq(istioInjectLabel, selection.Equals, "false")
	notFalse := istioReq(istioInjectLabel, selection.NotEquals, "false")
	return []model.Peer{
		{Pods: true, NS: model.And(istioNotKube(), istioReq(istioInjectionLabel, selection.Equals, "enabled")), Labels: isFalse},
		{Pods: true, NS: model.And(istioNotKube(), injDNE, istioReq(istioRevLabel, selection.Exists)), Labels: isFalse},
		{Pods: true, NS: model.And(istioNotKube(), injDNE, revDNE), Labels: model.Not(model.Or(
			istioReq(istioInjectLabel, selection.Equals, "true"),
			model.And(istioReq(istioRevLabel, selection.Exists), notFalse)))},
		{Pods: true, NS: model.Or(model.Not(istioNotKube()), model.And(
			istioReq(istioInjectionLabel, selection.Exists), istioReq(istioInjectionLabel, selection.NotEquals, "enabled")))},
	}
}

// istioAmbient is the pods ztunnel would capture (a sidecar aside).
func istioAmbient() []model.Peer {
	notSys := istioReq(corev1.LabelMetadataName, selection.NotEquals, "kube-system")
	return []model.Peer{
		{Pods: true, NS: model.And(notSys, istioReq(istioDataplaneLabel, selection.Equals, "ambient")), Labels: istioReq(istioDataplaneLabel, selection.NotEquals, "none")},
		{Pods: true, NS: notSys, Labels: istioReq(istioDataplaneLabel, selection.Equals, "ambient")},
	}
}

// istioNotAmbient is the complement of istioAmbient among pods.
func istioNotAmbient() []model.Peer {
	return []model.Peer{
		{Pods: true, NS: istioReq(corev1.LabelMetadataName, selection.Equals, "kube-system")},
		{Pods: true, Labels: istioReq(istioDataplaneLabel, selection.Equals, "none")},
		{Pods: true, NS: istioReq(istioDataplaneLabel, selection.NotEquals, "ambient"), Labels: istioReq(istioDataplaneLabel, selection.NotEquals, "ambient")},
	}
}

// istioAmbientOnly is the pods in the mesh through ztunnel alone: ambient
// and without a sidecar.
func istioAmbientOnly() []model.Peer { return istioIntersect(istioAmbient(), istioNoSidecar()) }

// istioOutside is every endpoint outside the mesh: pods with neither a
// sidecar nor ztunnel, and addresses outside the cluster. They speak
// plaintext and carry no mesh identity.
func istioOutside() []model.Peer {
	return append(istioIntersect(istioNoSidecar(), istioNotAmbient()), model.Peer{Addrs: true, ExternalOnly: true})
}

// IstioMeshed is the pods in Istio's mesh, as label formulas over the
// namespace's and the pod's labels (several peers: any of them): pods with
// an injected sidecar, and pods captured by ztunnel in ambient mode. Mesh
// identities (model.ServiceAccountLabel) exist only for these pods.
//
// Example: in a namespace labelled istio-injection=enabled every pod is
// meshed but one labelled sidecar.istio.io/inject=false; in a namespace
// labelled istio.io/dataplane-mode=ambient every pod but one labelled
// istio.io/dataplane-mode=none.
//
// Not covered: the sidecar.istio.io/inject annotation (the proof reads
// labels only), the injector's own namespaceSelector/objectSelector and
// neverInjectSelector/alwaysInjectSelector configuration and
// enableNamespacesByDefault, revision tags and whether a named revision
// exists, pods on the host network (never injected), and the CNI agent's
// configured exclusions beyond kube-system.
func IstioMeshed() []model.Peer {
	return append(istioSidecar(), istioAmbientOnly()...)
}

// istioIntersect is the pods in some peer of a and some peer of b (pod
// peers only: each is a namespace formula and a pod formula, and the
// intersection of two is their conjunction).
func istioIntersect(a, b []model.Peer) []model.Peer {
	var out []model.Peer
	for _, x := range a {
		for _, y := range b {
			out = append(out, model.Peer{Pods: true, NS: istioAnd(x.NS, y.NS), Labels: istioAnd(x.Labels, y.Labels)})
		}
	}
	return out
}

// istioAnd is a && b, kept plain when either matches everything.
func istioAnd(a, b model.Match) model.Match {
	switch {
	case a.IsEverything():
		return b
	case b.IsEverything():
		return a
	}
	return model.And(a, b)
}
