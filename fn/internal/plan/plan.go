package plan

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/pss"
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
	plan := &Plan{Settings: m.Enforced}
	for _, id := range m.Identities {
		if w := p.workload(id); w != nil {
			plan.Workloads = append(plan.Workloads, w)
		}
	}
	sort.Slice(plan.Workloads, func(i, j int) bool { return wlKey(plan.Workloads[i]) < wlKey(plan.Workloads[j]) })
	p.sharedIdentities(plan.Workloads)
	plan.Namespaces = p.namespaces(plan.Workloads)
	for _, w := range plan.Workloads {
		p.declaredFlows(w)
		p.exposure(w)
		p.ambientProbes(w)
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
	p.meshPeers(plan.Flows)
	tunnels(plan.Flows)
	nameFlowPolicies(plan, m.Run.Layout)
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

// failedWorkload reports whether a workload that could not be read answers
// to name in namespace ns ("" for any).
func (p *planner) failedWorkload(name, ns string) bool {
	for _, o := range p.m.FailedWorkloads {
		if o.Name == name && (ns == "" || o.Namespace == ns) {
			return true
		}
	}
	return false
}

// workload resolves one NetworkIdentity to its workload.
func (p *planner) workload(id *load.Identity) *Workload {
	spec := &id.Config.Spec
	ns := id.Config.Namespace
	found := p.find(spec.Workload, ns)
	switch {
	case len(found) == 0 && p.failedWorkload(spec.Workload, ns):
		return nil // its own error says why it could not be read
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
	w := &Workload{Source: src, Identity: id, Spec: spec}
	p.serviceAccount(w)
	w.Services = p.services(src, spec.Service, id.Object)
	p.byWl[src] = w
	return w
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
		if len(s.Spec.Selector) > 0 && labels.ValidatedSetSelector(s.Spec.Selector).Matches(podLabels) {
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
	// The JSON of the first workload's settings, which every other one's
	// must equal.
	type settings struct{ podSecurity, dns string }
	firstJSON := map[string]settings{}
	var out []*Namespace
	for _, w := range ws {
		ns, ok := byName[w.Namespace()]
		spec := w.Spec
		if !ok {
			ns = &Namespace{Name: w.Namespace(), PodSecurity: *spec.PodSecurity}
			dns := spec.DNS
			if b := p.m.Enforced.Baseline; b != nil {
				// the cluster baseline's DNS is every governed namespace's:
				// it wins over the NetworkIdentities' spec.dns
				dns = b.DNS
			}
			if *dns.Enabled {
				ns.DNS = dns
			}
			byName[ns.Name], first[ns.Name] = ns, w
			firstJSON[ns.Name] = settings{jsonText(spec.PodSecurity), jsonText(spec.DNS)}
			out = append(out, ns)
		} else {
			other, want := first[ns.Name], firstJSON[ns.Name]
			if jsonText(spec.PodSecurity) != want.podSecurity {
				p.errorf(w.Identity.Object, "spec.podSecurity", "namespace %s has one Pod Security level for all its workloads, but they disagree: %s",
					ns.Name, load.Differences(spec.PodSecurity, other.Spec.PodSecurity, w.Identity.Object.String(), other.Identity.Object.String()))
			}
			if jsonText(spec.DNS) != want.dns && p.m.Enforced.Baseline == nil {
				p.errorf(w.Identity.Object, "spec.dns", "namespace %s has one DNS egress policy for all its workloads, but they disagree: %s",
					ns.Name, load.Differences(spec.DNS, other.Spec.DNS, w.Identity.Object.String(), other.Identity.Object.String()))
			}
		}
		if m := spec.Mesh; m != nil && m.Provider != v1alpha1.MeshNone {
			if ns.Mesh != "" && ns.Mesh != m.Provider {
				p.errorf(w.Identity.Object, "spec.mesh.provider", "namespace %s is injected by one mesh, but they disagree: %s in %s, %s in %s", ns.Name, m.Provider, w.Identity.Object, ns.Mesh, ns.meshBy.Identity.Object)
			}
			if ns.Redirect != "" && ns.Redirect != m.Redirect {
				p.errorf(w.Identity.Object, "spec.mesh.redirect", "namespace %s has one mesh traffic redirection, but they disagree: %s in %s, %s in %s", ns.Name, m.Redirect, w.Identity.Object, ns.Redirect, ns.meshBy.Identity.Object)
			}
			ns.Mesh, ns.Redirect = m.Provider, m.Redirect
			if ns.meshBy == nil {
				ns.meshBy = w
			}
		}
		ns.Workloads = append(ns.Workloads, w)
	}
	for _, ns := range out {
		p.lowerForExceptions(ns)
		p.admitsRedirect(ns)
	}
	for _, w := range p.m.Workloads {
		if len(p.m.FailedConfigs) > 0 {
			break // the config that could not be read may be this workload's
		}
		if _, governed := byName[w.Namespace()]; governed && p.byWl[w] == nil {
			p.errorf(w.Object, "metadata.name", "%s has no NetworkIdentity, but its namespace %s gets a default-deny that would cut it off; add one", w.Object.Kind, w.Namespace())
		}
	}
	return out
}

// lowerForExceptions lowers the namespace's enforce level to what its pod
// templates excepted from pss-pod-template need (evaluated with the upstream
// checks at baseline, then privileged): at restricted, the PodSecurity
// admission would reject the excepted pods at apply time, so the exception
// alone would leave a render the cluster refuses. The lowering is a warning
// naming the workloads and ADRs, and the report shows it. A config that pins
// spec.podSecurity.enforce explicitly above that level refuses the render
// instead: the pin says the namespace must not go lower.
func (p *planner) lowerForExceptions(ns *Namespace) {
	version, err := psaapi.ParseVersion(ns.PodSecurity.Version)
	if err != nil {
		return // validated at load
	}
	current, err := psaapi.ParseLevel(ns.PodSecurity.Enforce)
	if err != nil {
		return
	}
	target := current
	var by []string
	var excepted []*Workload
	for _, w := range ns.Workloads {
		adr, ok := exceptionADR(w.Spec, pss.ExceptionRule)
		if !ok {
			continue
		}
		tmpl := w.Source.Template
		need := pss.Needed(version, &tmpl.ObjectMeta, &tmpl.Spec)
		if pss.Rank(need) >= pss.Rank(current) {
			continue // admitted at the namespace's level as it is
		}
		excepted = append(excepted, w)
		by = append(by, fmt.Sprintf("%s (%s)", w.Source.Object, adr))
		if pss.Rank(need) < pss.Rank(target) {
			target = need
		}
	}
	if target == current {
		return
	}
	for _, other := range ns.Workloads {
		if other.Identity.PinnedEnforce == "" {
			continue
		}
		for _, w := range excepted {
			p.errorf(w.Identity.Object, "spec.exceptions", "the exception for %s leaves %s's pod template to Pod Security admission at %s, which rejects it (it needs %s), and %s pins spec.podSecurity.enforce: %s; lower the pin to %s with its ADR, or fix the template",
				pss.ExceptionRule, w.Source.Object, current, pss.Needed(version, &w.Source.Template.ObjectMeta, &w.Source.Template.Spec), other.Identity.Object, other.Identity.PinnedEnforce, target)
		}
		return
	}
	ns.Lowered = &Lowering{From: string(current), To: string(target), By: by}
	ns.PodSecurity.Enforce = string(target)
	for _, w := range excepted {
		p.fs = append(p.fs, finding.Finding{Severity: finding.Warning, Rule: "pss-namespace-level", Object: w.Identity.Object, Field: "spec.exceptions",
			Message: fmt.Sprintf("namespace %s enforces Pod Security %s instead of %s, for every pod in it: the pod templates excepted from %s need it (%s)",
				ns.Name, target, current, pss.ExceptionRule, strings.Join(by, ", "))})
	}
}

// exceptionADR is the ADR of the spec's exception for the rule.
func exceptionADR(spec *v1alpha1.Spec, rule string) (string, bool) {
	for _, e := range spec.Exceptions {
		if e.Rule == rule {
			return e.ADR, true
		}
	}
	return "", false
}

// initContainers are the init containers each mesh injects to redirect the
// pods' traffic when its CNI plugin is not installed. Both add NET_ADMIN and
// NET_RAW: "By default Istio injects an init container, istio-init ... This
// requires ... containers with the NET_ADMIN and NET_RAW capabilities"
// (istio.io/latest/docs/setup/additional-setup/cni/, and the Pod Security
// Admission page: "the baseline policy does not include NET_ADMIN or NET_RAW
// in its allowed capabilities"); Linkerd's "rewiring is done with an Init
// Container that uses iptables ... this requires the CAP_NET_ADMIN
// capability" (linkerd.io/2/features/cni/; its proxy-init also adds NET_RAW,
// linkerd.io/2.11/tasks/using-psp/).
var initContainers = map[v1alpha1.MeshProvider]string{v1alpha1.MeshIstio: "istio-init", v1alpha1.MeshLinkerd: "linkerd-init"}

// admitsRedirect refuses a mesh that redirects with an init container in a
// namespace whose Pod Security enforce level forbids its capabilities: the
// PodSecurity admission would reject every injected pod at apply time.
func (p *planner) admitsRedirect(ns *Namespace) {
	if ns.Redirect != v1alpha1.RedirectInitContainer || ns.PodSecurity.Enforce == string(psaapi.LevelPrivileged) {
		return
	}
	w := ns.meshBy
	p.errorf(w.Identity.Object, "spec.mesh.redirect", "%s redirects traffic with the %s init container (spec.mesh.redirect: init-container, the default when unset), which adds the NET_ADMIN and NET_RAW capabilities; namespace %s enforces Pod Security %s, whose admission rejects them, so every injected pod would be refused: install the mesh's CNI plugin and set redirect: cni (or ambient, with Istio)",
		ns.Mesh, initContainers[ns.Mesh], ns.Name, ns.PodSecurity.Enforce)
}

// declaredFlows resolves the ingress and egress rules of one workload.
func (p *planner) declaredFlows(w *Workload) {
	for i, r := range w.Spec.Ingress {
		p.declare(w, fmt.Sprintf("spec.ingress[%d]", i), "from", r.From, r.Ports, r.Reason, r.L7, r.Until)
	}
	for i, r := range w.Spec.Egress {
		p.declare(w, fmt.Sprintf("spec.egress[%d]", i), "to", r.To, r.Ports, r.Reason, r.L7, r.Until)
	}
}

// declare resolves one rule: the peer, then the ports on whichever end is the
// callee, and records the flow with the reason at the declaring end.
func (p *planner) declare(w *Workload, path, peerField string, peer v1alpha1.Peer, refs []v1alpha1.PortRef, reason string, l7 *v1alpha1.L7, until string) {
	if peer.FQDN != "" && p.m.Enforced.CNI != v1alpha1.CNICilium {
		from := "no object names a CNI"
		if p.m.Enforced.From.Name != "" {
			from = fmt.Sprintf("%s says %s", p.m.Enforced.From, p.m.Enforced.CNI)
		}
		p.errorf(w.Identity.Object, path+"."+peerField+".fqdn", "FQDN peers need the cluster's CNI to be cilium (spec.cni here, or a %s's spec.cni); %s", v1alpha1.ClusterKind, from)
		return
	}
	other, ok := p.peer(w, peer, path+"."+peerField)
	if !ok {
		return
	}
	self := p.endpointOf(w.Source)
	f := &Flow{From: other, To: self, CalleeReason: reason, DeclaredBy: []string{w.Identity.Object.String() + " " + path}}
	if peerField == "to" {
		f = &Flow{From: self, To: other, CallerReason: reason, DeclaredBy: f.DeclaredBy}
	}
	f.L7, f.Until = l7, until
	if f.Ports, ok = p.ports(w.Identity.Object, f.To, refs, path+".ports"); ok {
		if prev := p.flows[f.key()]; prev != nil {
			// both ends declared the flow: they must agree on what is
			// restricted and on when it ends
			if prev.L7 != nil && f.L7 != nil && !reflect.DeepEqual(prev.L7, f.L7) {
				p.errorf(w.Identity.Object, path+".l7", "the flow is also declared by %s with other L7 rules; state them at one end", strings.Join(prev.DeclaredBy, ", "))
			}
			if prev.Until != "" && f.Until != "" && prev.Until != f.Until {
				p.errorf(w.Identity.Object, path+".until", "the flow is also declared by %s until %s; state the expiry at one end", strings.Join(prev.DeclaredBy, ", "), prev.Until)
			}
			if prev.L7 == nil {
				prev.L7 = f.L7
			}
			if prev.Until == "" {
				prev.Until = f.Until
			}
		}
		p.addFlow(f)
	}
}

// meshPeers refuses a flow into a meshed workload from pods whose
// ServiceAccount is not known: the mesh layer can only name the caller by its
// identity, so without one Istio would admit the caller's whole namespace
// (a namespaces source) and Linkerd every ServiceAccount of it, while the
// NetworkPolicy admits only the pods the labels select.
func (p *planner) meshPeers(flows []*Flow) {
	for _, f := range flows {
		callee := f.To.Planned
		// The exposure controller (spec.exposure.controller) has no
		// serviceAccount field yet; it is left to the exposure work.
		if callee == nil || f.Exposure || callee.Spec.Mesh == nil || callee.Spec.Mesh.Provider == v1alpha1.MeshNone || f.From.ServiceAccount != "" {
			continue
		}
		switch f.From.Kind {
		case KindPods:
			p.errorf(callee.Identity.Object, meshPeerField(f, callee), "%s is meshed (%s), and the mesh authorizes callers by ServiceAccount: without one it would admit every pod of namespace %s; set from.serviceAccount of the pods %s",
				callee.Source.Object, callee.Spec.Mesh.Provider, f.From.Namespace, f.From)
		case KindWorkload:
			p.errorf(callee.Identity.Object, meshPeerField(f, callee), "%s is meshed (%s), and the mesh authorizes callers by ServiceAccount, but the caller %s has no NetworkIdentity to name its ServiceAccount; give it one",
				callee.Source.Object, callee.Spec.Mesh.Provider, f.From.Workload.Object)
		}
	}
}

// meshPeerField is the callee's rule that declared the flow, or spec.ingress.
func meshPeerField(f *Flow, callee *Workload) string {
	prefix := callee.Identity.Object.String() + " "
	for _, d := range f.DeclaredBy {
		if rest, ok := strings.CutPrefix(d, prefix); ok {
			return rest + ".from.serviceAccount"
		}
	}
	return "spec.ingress"
}

// ambientProbes admits the kubelet's health probes of an ambient workload
// from ProbeSource on the ports its containers' probes name.
func (p *planner) ambientProbes(w *Workload) {
	if !w.Ambient() {
		return
	}
	seen := map[string]bool{}
	var ports []Port
	add := func(t intstr.IntOrString) {
		if t.String() == "" || t.String() == "0" || seen[t.String()] {
			return
		}
		seen[t.String()] = true
		ports = append(ports, Port{Protocol: corev1.ProtocolTCP, Target: t})
	}
	for _, c := range w.Source.Template.Spec.Containers {
		for _, pr := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
			switch {
			case pr == nil:
			case pr.HTTPGet != nil:
				add(pr.HTTPGet.Port)
			case pr.TCPSocket != nil:
				add(pr.TCPSocket.Port)
			case pr.GRPC != nil:
				add(intstr.FromInt32(pr.GRPC.Port))
			}
		}
	}
	if len(ports) == 0 {
		return
	}
	p.addFlow(&Flow{From: Endpoint{Kind: KindCIDR, CIDR: ProbeSource}, To: p.endpointOf(w.Source), Ports: sortPorts(ports), Probe: true,
		CalleeReason: "kubelet health probes, which Istio ambient mode SNATs to " + ProbeSource,
		DeclaredBy:   []string{w.Identity.Object.String() + " spec.mesh.redirect"}})
}

// tunnels adds Istio ambient's HBONE port to the flows between a workload in
// ambient mode and another meshed one (a workload or pods with a
// ServiceAccount, which a meshed callee requires).
func tunnels(flows []*Flow) {
	for _, f := range flows {
		if f.Probe || f.From.Kind == KindCIDR || f.From.Kind == KindFQDN || f.To.Kind == KindCIDR || f.To.Kind == KindFQDN {
			continue
		}
		from, to := f.From.Planned, f.To.Planned
		callee := to != nil && to.Ambient()
		caller := from != nil && from.Ambient() && to != nil && to.Meshed() && to.Spec.Mesh.Provider == v1alpha1.MeshIstio
		if callee || caller {
			f.Tunnel = []Port{HBONEPort}
		}
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
		if len(found) == 0 && p.failedWorkload(peer.Workload, ns) {
			return Endpoint{}, false // its own error says why it could not be read
		}
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

// exposure resolves the declared exposure paths: a Gateway API route or an
// Ingress (admitting the controller pods), and the Services of type
// LoadBalancer and NodePort (admitting their address blocks).
func (p *planner) exposure(w *Workload) {
	e := w.Spec.Exposure
	if e == nil {
		return
	}
	out := &Exposure{Gateway: e.Gateway, Ingress: e.Ingress}
	if e.Gateway != nil || e.Ingress != nil {
		if !p.controllerExposure(w, out) {
			return
		}
	}
	for _, d := range []struct {
		t    corev1.ServiceType
		decl *v1alpha1.ServiceExposure
	}{{corev1.ServiceTypeLoadBalancer, e.LoadBalancer}, {corev1.ServiceTypeNodePort, e.NodePort}} {
		if d.decl == nil {
			continue
		}
		se, ok := p.serviceExposure(w, d.t, d.decl)
		if !ok {
			return
		}
		out.Services = append(out.Services, se)
	}
	w.Exposure = out
}

// controllerExposure resolves a route's or Ingress's backend port and adds
// the flow from the controller pods.
func (p *planner) controllerExposure(w *Workload, out *Exposure) bool {
	e := w.Spec.Exposure
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
			if portMatches(ref, cand) {
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
		return false
	}
	if g := e.Gateway; g != nil && g.Kind != v1alpha1.RouteHTTP && protocol("", sp.Protocol) != corev1.ProtocolTCP {
		p.errorf(w.Identity.Object, path, "a %s carries TCP; Service port %s of %s is %s", g.Kind, ref.Port.String(), svc.Object, sp.Protocol)
		return false
	}
	ctrl := Endpoint{Kind: KindPods, Namespace: e.Controller.Namespace, Selector: &metav1.LabelSelector{MatchLabels: e.Controller.PodLabels}}
	f := &Flow{From: ctrl, To: p.endpointOf(w.Source), Ports: []Port{servicePort(svc, sp, "")}, Exposure: true,
		CalleeReason: "external traffic via " + what, DeclaredBy: []string{w.Identity.Object.String() + " spec.exposure"}}
	p.addFlow(f)
	out.Service, out.ServicePort, out.Flow = svc, sp, p.flows[f.key()]
	return true
}

func portMatches(ref v1alpha1.PortRef, sp corev1.ServicePort) bool {
	return ref.Port.Type == intstr.String && sp.Name == ref.Port.StrVal || ref.Port.Type == intstr.Int && sp.Port == ref.Port.IntVal
}

// serviceExposure resolves a declared LoadBalancer or NodePort Service: it
// must be in the workload's namespace, of that type, select the workload's
// pods, and (a LoadBalancer) restrict its sources to the declared ranges.
// The pods are reached from the client's address with externalTrafficPolicy
// Local, from a node's with Cluster (kube-proxy SNATs the connection), so the
// flows admit the source ranges, and the node CIDRs with Cluster.
func (p *planner) serviceExposure(w *Workload, t corev1.ServiceType, d *v1alpha1.ServiceExposure) (*ServiceExposure, bool) {
	se := &ServiceExposure{Type: t, Decl: d}
	field := se.Field()
	cfg := w.Identity.Object
	for _, s := range p.svcByNS[w.Namespace()] {
		if slices.Contains(s.Names, d.Service) {
			se.Service = s
			break
		}
	}
	s := se.Service
	switch {
	case s == nil:
		p.errorf(cfg, field+".service", "no Service named %q in namespace %s of the render", d.Service, w.Namespace())
		return nil, false
	case s.Spec.Type != t:
		typ := s.Spec.Type
		if typ == "" {
			typ = corev1.ServiceTypeClusterIP
		}
		p.errorf(cfg, field+".service", "%s is of type %s, not %s", s.Object, typ, t)
		return nil, false
	case len(s.Spec.Selector) == 0 || !labels.ValidatedSetSelector(s.Spec.Selector).Matches(labels.Set(w.Source.Template.Labels)):
		p.errorf(cfg, field+".service", "%s does not select the pods of %s", s.Object, w.Source.Object)
		return nil, false
	}
	svcs := []*load.Service{s}
	if len(d.Ports) == 0 {
		for _, sp := range s.Spec.Ports {
			se.Ports = append(se.Ports, servicePort(s, sp, ""))
		}
	}
	for i, ref := range d.Ports {
		found := false
		for _, sp := range s.Spec.Ports {
			if portMatches(ref, sp) {
				se.Ports, found = append(se.Ports, servicePort(s, sp, ref.Protocol)), true
				break
			}
		}
		if !found {
			p.errorf(cfg, fmt.Sprintf("%s.ports[%d]", field, i), "%s is not a port of %s (%s)", ref.Port.String(), s.Object, describePorts(w.Source, svcs))
			return nil, false
		}
	}
	se.Ports = sortPorts(se.Ports)
	if len(se.Ports) == 0 {
		p.errorf(cfg, field+".ports", "%s has no ports", s.Object)
		return nil, false
	}
	if t == corev1.ServiceTypeLoadBalancer && !sameRanges(s.Spec.LoadBalancerSourceRanges, d.SourceRanges) {
		have := "none (every address)"
		if len(s.Spec.LoadBalancerSourceRanges) > 0 {
			have = strings.Join(s.Spec.LoadBalancerSourceRanges, ", ")
		}
		p.errorf(cfg, field+".sourceRanges", "the declared ranges (%s) are not %s's spec.loadBalancerSourceRanges (%s); the load balancer must admit what the NetworkPolicy admits",
			strings.Join(d.SourceRanges, ", "), s.Object, have)
		return nil, false
	}
	se.Local = s.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal
	switch {
	case se.Local && len(d.NodeCIDRs) > 0:
		p.errorf(cfg, field+".nodeCIDRs", "%s has externalTrafficPolicy Local: the clients' addresses reach the pods, not the nodes'; remove nodeCIDRs", s.Object)
		return nil, false
	case !se.Local && len(d.NodeCIDRs) == 0:
		p.errorf(cfg, field+".nodeCIDRs", "%s has externalTrafficPolicy Cluster: its traffic reaches the pods from the nodes' addresses; declare the node CIDRs (or set externalTrafficPolicy: Local)", s.Object)
		return nil, false
	}
	what := string(t) + " Service " + s.Object.Name
	add := func(cidr, why string) {
		f := &Flow{From: Endpoint{Kind: KindCIDR, CIDR: cidr}, To: p.endpointOf(w.Source), Ports: se.Ports, Exposure: true,
			CalleeReason: "external traffic via " + what + " (" + why + ")", DeclaredBy: []string{cfg.String() + " " + field}}
		p.addFlow(f)
		se.Flows = append(se.Flows, p.flows[f.key()])
	}
	for _, c := range d.SourceRanges {
		add(c, "source range")
	}
	for _, c := range d.NodeCIDRs {
		if !slices.Contains(d.SourceRanges, c) {
			add(c, "node CIDR, externalTrafficPolicy Cluster")
		}
	}
	return se, true
}

// sameRanges reports whether a LoadBalancer's loadBalancerSourceRanges are
// the declared ranges: the same set, or none (every address) for declared
// ranges that include an open one.
func sameRanges(service, declared []string) bool {
	if len(service) == 0 {
		return slices.ContainsFunc(declared, OpenCIDR)
	}
	a, b := slices.Clone(service), slices.Clone(declared)
	for i := range a {
		a[i] = strings.TrimSpace(a[i])
	}
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// OpenCIDR reports a CIDR of prefix length 0 (0.0.0.0/0, ::/0).
func OpenCIDR(cidr string) bool {
	pfx, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && pfx.Bits() == 0
}

// jsonText is v's JSON: two settings agree when theirs are equal.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func wlKey(w *Workload) string { return w.Namespace() + "/" + w.Name() }
