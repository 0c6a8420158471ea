package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/krm/v1alpha1"
)

// planner carries the state of one Make call.
type planner struct {
	m     *load.Model
	fs    finding.List
	byWl  map[*load.Workload]*Workload
	flows map[string]*Flow
	// byName indexes the workloads by every name they answer to, and
	// svcByNS the Services by namespace: resolving thousands of configs must
	// not scan every workload for each.
	byName  map[string][]*load.Workload
	svcByNS map[string][]*load.Service
}

// Make resolves the Model. Findings are config errors: a workload, Service,
// peer or port that is not there, or configs that contradict each other.
func Make(m *load.Model) (*Plan, finding.List) {
	p := &planner{m: m, byWl: map[*load.Workload]*Workload{}, flows: map[string]*Flow{},
		byName: map[string][]*load.Workload{}, svcByNS: map[string][]*load.Service{}}
	for _, w := range m.Workloads {
		for _, name := range w.Names {
			p.byName[name] = append(p.byName[name], w)
		}
	}
	for _, s := range m.Services {
		p.svcByNS[s.Object.Namespace] = append(p.svcByNS[s.Object.Namespace], s)
	}
	plan := &Plan{}
	for _, id := range m.Identities {
		if w := p.workload(id); w != nil {
			plan.Workloads = append(plan.Workloads, w)
		}
	}
	sort.Slice(plan.Workloads, func(i, j int) bool { return wlKey(plan.Workloads[i]) < wlKey(plan.Workloads[j]) })
	p.uniqueIdentities(plan.Workloads)
	plan.Namespaces = p.namespaces(plan.Workloads)
	for _, w := range plan.Workloads {
		p.declaredFlows(w)
		p.exposure(w)
	}
	for _, f := range p.flows {
		plan.Flows = append(plan.Flows, f)
	}
	keys := make(map[*Flow]string, len(plan.Flows))
	for _, f := range plan.Flows {
		keys[f] = f.key()
	}
	sort.Slice(plan.Flows, func(i, j int) bool { return keys[plan.Flows[i]] < keys[plan.Flows[j]] })
	for _, f := range plan.Flows {
		if w := f.From.Planned; w != nil {
			w.Out = append(w.Out, f)
		}
		if w := f.To.Planned; w != nil {
			w.In = append(w.In, f)
		}
	}
	nameFlowPolicies(plan)
	plan.Ungoverned = p.ungoverned()
	return plan, p.fs
}

func (p *planner) errorf(obj finding.Object, fieldPath, format string, args ...any) {
	p.fs = append(p.fs, finding.Configf(obj, fieldPath, format, args...))
}

// find returns the workloads answering to name in namespace ns ("" for any).
func (p *planner) find(name, ns string) []*load.Workload {
	var found []*load.Workload
	for _, w := range p.byName[name] {
		if w.Answers(name, ns) && !slices.Contains(found, w) {
			found = append(found, w)
		}
	}
	return found
}

// workload resolves one NetworkIdentity to its workload.
func (p *planner) workload(id *load.Identity) *Workload {
	spec := &id.Config.Spec
	ns := id.Config.Namespace
	found := p.find(spec.Workload, ns)
	switch {
	case len(found) == 0:
		where := "the render"
		if ns != "" {
			where = "namespace " + ns + " of the render"
		}
		if r := p.rolloutRef(spec.Workload, ns); r != nil {
			p.errorf(id.Object, "spec.workload", "%s runs the pod template of Deployment %s/%s (spec.workloadRef): declare that Deployment, whose template netid judges and patches",
				r.Object, r.Object.Namespace, r.Deployment)
			return nil
		}
		p.errorf(id.Object, "spec.workload", "no %s named %q in %s", load.PodKindNames(), spec.Workload, where)
		return nil
	case len(found) > 1:
		p.errorf(id.Object, "spec.workload", "%q is ambiguous: %s", spec.Workload, ambiguity(found))
		return nil
	}
	src := found[0]
	if !p.selectable(src, id.Object, "spec.workload") {
		return nil
	}
	if src.Namespace() == "" {
		p.errorf(src.Object, "metadata.namespace", "the workload has no namespace; set it (or kustomize's namespace:) before netid runs")
		return nil
	}
	if prev, ok := p.byWl[src]; ok {
		p.errorf(id.Object, "spec.workload", "%s already has a NetworkIdentity (%s); one config per workload", src.Object, prev.Identity.Object)
		return nil
	}
	w := &Workload{Source: src, Identity: id, Spec: spec, ServiceAccount: spec.Identity.ServiceAccount}
	if w.ServiceAccount == "" {
		w.ServiceAccount = src.Name()
	}
	w.Services = p.services(src, spec.Service, id.Object)
	p.byWl[src] = w
	return w
}

// uniqueIdentities refuses two workloads sharing one ServiceAccount: each
// would get the other's permissions, and the render would hold the
// ServiceAccount (and its Role) twice.
func (p *planner) uniqueIdentities(ws []*Workload) {
	owner := map[string]*Workload{}
	for _, w := range ws {
		k := w.Namespace() + "/" + w.ServiceAccount
		if prev, ok := owner[k]; ok {
			p.errorf(w.Identity.Object, "spec.identity.serviceAccount", "ServiceAccount %s is already the identity of %s (%s); give each workload its own",
				k, prev.Source.Object, prev.Identity.Object)
			continue
		}
		owner[k] = w
	}
}

// services finds the named Service, or every Service selecting the workload's pods.
func (p *planner) services(w *load.Workload, named string, cfg finding.Object) []*load.Service {
	var out []*load.Service
	podLabels := labels.Set(w.Template.Labels)
	for _, s := range p.svcByNS[w.Namespace()] {
		if named != "" {
			if slices.Contains(s.Names, named) {
				out = append(out, s)
			}
			continue
		}
		if len(s.Spec.Selector) > 0 && labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels) {
			out = append(out, s)
		}
	}
	if named != "" && len(out) == 0 {
		p.errorf(cfg, "spec.service", "no Service named %q in namespace %s of the render", named, w.Namespace())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Object.Name < out[j].Object.Name })
	return out
}

// namespaces groups the workloads and checks that the namespace-wide settings
// agree, and that no workload of a governed namespace is left without a config
// (the default-deny would cut it off entirely).
func (p *planner) namespaces(ws []*Workload) []*Namespace {
	byName := map[string]*Namespace{}
	first := map[string]*Workload{}
	var out []*Namespace
	for _, w := range ws {
		ns, ok := byName[w.Namespace()]
		spec := w.Spec
		if !ok {
			ns = &Namespace{Name: w.Namespace(), PodSecurity: *spec.PodSecurity}
			if *spec.DNS.Enabled {
				ns.DNS = spec.DNS
			}
			byName[ns.Name], first[ns.Name] = ns, w
			out = append(out, ns)
		} else {
			other := first[ns.Name]
			if !sameJSON(spec.PodSecurity, other.Spec.PodSecurity) {
				p.errorf(w.Identity.Object, "spec.podSecurity", "namespace %s has one Pod Security level for all its workloads, but this differs from %s", ns.Name, other.Identity.Object)
			}
			if !sameJSON(spec.DNS, other.Spec.DNS) {
				p.errorf(w.Identity.Object, "spec.dns", "namespace %s has one DNS egress policy for all its workloads, but this differs from %s", ns.Name, other.Identity.Object)
			}
		}
		if m := spec.Mesh; m != nil && m.Provider != v1alpha1.MeshNone {
			if ns.Mesh != "" && ns.Mesh != m.Provider {
				p.errorf(w.Identity.Object, "spec.mesh.provider", "namespace %s is injected by one mesh; %s here, %s elsewhere", ns.Name, m.Provider, ns.Mesh)
			}
			ns.Mesh = m.Provider
		}
		ns.Workloads = append(ns.Workloads, w)
	}
	for _, w := range p.m.Workloads {
		if _, governed := byName[w.Namespace()]; governed && p.byWl[w] == nil {
			p.errorf(w.Object, "metadata.name", "%s has no NetworkIdentity, but its namespace %s gets a default-deny that would cut it off; add one", w.Object.Kind, w.Namespace())
		}
	}
	return out
}

// declaredFlows resolves the ingress and egress rules of one workload.
func (p *planner) declaredFlows(w *Workload) {
	for i, r := range w.Spec.Ingress {
		p.declare(w, fmt.Sprintf("spec.ingress[%d]", i), "from", r.From, r.Ports, r.Reason)
	}
	for i, r := range w.Spec.Egress {
		p.declare(w, fmt.Sprintf("spec.egress[%d]", i), "to", r.To, r.Ports, r.Reason)
	}
}

// declare resolves one rule: the peer, then the ports on whichever end is the
// callee, and records the flow with the reason at the declaring end.
func (p *planner) declare(w *Workload, path, peerField string, peer v1alpha1.Peer, refs []v1alpha1.PortRef, reason string) {
	other, ok := p.peer(w, peer, path+"."+peerField)
	if !ok {
		return
	}
	self := p.endpointOf(w.Source)
	f := &Flow{From: other, To: self, CalleeReason: reason, DeclaredBy: []string{w.Identity.Object.String() + " " + path}}
	if peerField == "to" {
		f = &Flow{From: self, To: other, CallerReason: reason, DeclaredBy: f.DeclaredBy}
	}
	if f.Ports, ok = p.ports(w.Identity.Object, f.To, refs, path+".ports"); ok {
		p.addFlow(f)
	}
}

// addFlow records a flow, merging one declared at both ends.
func (p *planner) addFlow(f *Flow) {
	k := f.key()
	prev, ok := p.flows[k]
	if !ok {
		p.flows[k] = f
		return
	}
	if prev.CallerReason == "" {
		prev.CallerReason = f.CallerReason
	}
	if prev.CalleeReason == "" {
		prev.CalleeReason = f.CalleeReason
	}
	prev.DeclaredBy = append(prev.DeclaredBy, f.DeclaredBy...)
}

func (p *planner) endpointOf(w *load.Workload) Endpoint {
	e := Endpoint{Kind: KindWorkload, Workload: w, Planned: p.byWl[w], Namespace: w.Namespace(), Selector: w.Selector}
	if e.Planned != nil {
		e.ServiceAccount = e.Planned.ServiceAccount
	}
	return e
}

// peer resolves a declared peer.
func (p *planner) peer(self *Workload, peer v1alpha1.Peer, path string) (Endpoint, bool) {
	switch {
	case peer.Workload != "":
		ns := peer.Namespace
		if ns == "" {
			ns = self.Namespace()
		}
		found := p.find(peer.Workload, ns)
		if len(found) != 1 {
			why := "is not in the render; a peer outside the render is named by namespace and podLabels"
			if len(found) > 1 {
				why = "is ambiguous: " + ambiguity(found)
			} else if r := p.rolloutRef(peer.Workload, ns); r != nil {
				why = fmt.Sprintf("is a Rollout that runs the pod template of Deployment %s (spec.workloadRef): name the Deployment", r.Deployment)
			}
			p.errorf(self.Identity.Object, path+".workload", "workload %q in namespace %s %s", peer.Workload, ns, why)
			return Endpoint{}, false
		}
		if !p.selectable(found[0], self.Identity.Object, path+".workload") {
			return Endpoint{}, false
		}
		return p.endpointOf(found[0]), true
	case len(peer.PodLabels) > 0:
		return Endpoint{Kind: KindPods, Namespace: peer.Namespace, ServiceAccount: peer.ServiceAccount,
			Selector: &metav1.LabelSelector{MatchLabels: peer.PodLabels}}, true
	case peer.CIDR != "":
		return Endpoint{Kind: KindCIDR, CIDR: peer.CIDR, Except: slices.Sorted(slices.Values(peer.Except))}, true
	default:
		return Endpoint{Kind: KindFQDN, FQDN: strings.TrimSuffix(peer.FQDN, ".")}, true
	}
}

// ports resolves the callee's ports. For a workload of the render, names and
// numbers go through its Services to the pod's target port (kept by name when
// the Service targets a named container port); otherwise they are taken as given.
func (p *planner) ports(cfg finding.Object, callee Endpoint, refs []v1alpha1.PortRef, path string) ([]Port, bool) {
	if callee.Kind != KindWorkload {
		var out []Port
		for _, r := range refs {
			out = append(out, Port{Protocol: protocol(r.Protocol, ""), Target: r.Port})
		}
		return sortPorts(out), true
	}
	w := callee.Workload
	var svcs []*load.Service
	if callee.Planned != nil {
		svcs = callee.Planned.Services
	} else {
		svcs = p.services(w, "", cfg)
	}
	if len(refs) == 0 {
		out := allPorts(w, svcs)
		if len(out) == 0 {
			p.errorf(cfg, path, "%s has no Service and no container ports; list the ports", w.Object)
			return nil, false
		}
		return out, true
	}
	var out []Port
	ok := true
	for i, r := range refs {
		port, found := resolvePort(w, svcs, r)
		if !found {
			p.errorf(cfg, fmt.Sprintf("%s[%d]", path, i), "%s is not a port of %s (%s)", r.Port.String(), w.Object, describePorts(w, svcs))
			ok = false
			continue
		}
		out = append(out, port)
	}
	return sortPorts(out), ok
}

// resolvePort finds the port a reference names: a Service port (by name, or
// by number and, when the reference gives one, protocol, since one number can
// serve TCP and UDP apart), else a container port likewise.
func resolvePort(w *load.Workload, svcs []*load.Service, r v1alpha1.PortRef) (Port, bool) {
	matches := func(name string, number int32, proto corev1.Protocol) bool {
		if r.Port.Type == intstr.String {
			return name == r.Port.StrVal
		}
		return number == r.Port.IntVal && (r.Protocol == "" || protocol("", proto) == r.Protocol)
	}
	for _, s := range svcs {
		for _, sp := range s.Spec.Ports {
			if matches(sp.Name, sp.Port, sp.Protocol) {
				return servicePort(s, sp, r.Protocol), true
			}
		}
	}
	for _, c := range w.Template.Spec.Containers {
		for _, cp := range c.Ports {
			if matches(cp.Name, cp.ContainerPort, cp.Protocol) {
				return Port{Protocol: protocol(r.Protocol, cp.Protocol), Target: r.Port}, true
			}
		}
	}
	return Port{}, false
}

// ServicePortTarget is the pod port a Service port sends to.
func ServicePortTarget(sp corev1.ServicePort) intstr.IntOrString {
	switch {
	case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
		return sp.TargetPort
	case sp.TargetPort.Type == intstr.Int && sp.TargetPort.IntVal != 0:
		return sp.TargetPort
	}
	return intstr.FromInt32(sp.Port)
}

func servicePort(s *load.Service, sp corev1.ServicePort, proto corev1.Protocol) Port {
	via := fmt.Sprintf("%s:%d", s.Object.Name, sp.Port)
	if sp.Name != "" {
		via = fmt.Sprintf("%s:%s/%d", s.Object.Name, sp.Name, sp.Port)
	}
	return Port{Protocol: protocol(proto, sp.Protocol), Target: ServicePortTarget(sp), Via: via}
}

func allPorts(w *load.Workload, svcs []*load.Service) []Port {
	var out []Port
	for _, s := range svcs {
		for _, sp := range s.Spec.Ports {
			out = append(out, servicePort(s, sp, ""))
		}
	}
	if len(svcs) == 0 {
		for _, c := range w.Template.Spec.Containers {
			for _, cp := range c.Ports {
				out = append(out, Port{Protocol: protocol("", cp.Protocol), Target: intstr.FromInt32(cp.ContainerPort)})
			}
		}
	}
	return sortPorts(out)
}

func describePorts(w *load.Workload, svcs []*load.Service) string {
	var have []string
	for _, s := range svcs {
		for _, sp := range s.Spec.Ports {
			have = append(have, servicePort(s, sp, "").Via)
		}
	}
	for _, c := range w.Template.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name != "" {
				have = append(have, fmt.Sprintf("container %s:%s/%d", c.Name, cp.Name, cp.ContainerPort))
			} else {
				have = append(have, fmt.Sprintf("container %s:%d", c.Name, cp.ContainerPort))
			}
		}
	}
	if len(have) == 0 {
		return "it has no Service ports and no container ports"
	}
	return "it has " + strings.Join(have, ", ")
}

// sortPorts orders ports and drops duplicates (two Service ports may target
// the same pod port).
func sortPorts(ps []Port) []Port {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].String() < ps[j].String() })
	var out []Port
	for _, p := range ps {
		if len(out) > 0 && out[len(out)-1].String() == p.String() {
			continue
		}
		out = append(out, p)
	}
	return out
}

func protocol(declared, fallback corev1.Protocol) corev1.Protocol {
	switch {
	case declared != "":
		return declared
	case fallback != "":
		return fallback
	}
	return corev1.ProtocolTCP
}

// exposure resolves the declared Gateway API or Ingress exposure.
func (p *planner) exposure(w *Workload) {
	e := w.Spec.Exposure
	if e == nil {
		return
	}
	ref, path, what := v1alpha1.PortRef{}, "", ""
	if e.Gateway != nil {
		ref, path = e.Gateway.Port, "spec.exposure.gateway.port"
		ns := e.Gateway.ParentRef.Namespace
		if ns == "" {
			ns = w.Namespace()
		}
		what = "Gateway " + ns + "/" + e.Gateway.ParentRef.Name
	} else {
		ref, path = e.Ingress.Port, "spec.exposure.ingress.port"
		what = "Ingress class " + e.Ingress.ClassName
	}
	var svc *load.Service
	var sp corev1.ServicePort
	for _, s := range w.Services {
		for _, cand := range s.Spec.Ports {
			if ref.Port.Type == intstr.String && cand.Name == ref.Port.StrVal || ref.Port.Type == intstr.Int && cand.Port == ref.Port.IntVal {
				svc, sp = s, cand
				break
			}
		}
		if svc != nil {
			break
		}
	}
	if svc == nil {
		p.errorf(w.Identity.Object, path, "exposure needs a Service port; %s is not a port of a Service of %s (%s)", ref.Port.String(), w.Source.Object, describePorts(w.Source, w.Services))
		return
	}
	ctrl := Endpoint{Kind: KindPods, Namespace: e.Controller.Namespace, Selector: &metav1.LabelSelector{MatchLabels: e.Controller.PodLabels}}
	f := &Flow{From: ctrl, To: p.endpointOf(w.Source), Ports: []Port{servicePort(svc, sp, "")}, Exposure: true,
		CalleeReason: "external traffic via " + what, DeclaredBy: []string{w.Identity.Object.String() + " spec.exposure"}}
	p.addFlow(f)
	w.Exposure = &Exposure{Gateway: e.Gateway, Ingress: e.Ingress, Service: svc, ServicePort: sp, Flow: p.flows[f.key()]}
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func wlKey(w *Workload) string { return w.Namespace() + "/" + w.Name() }
