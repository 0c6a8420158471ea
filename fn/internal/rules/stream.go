package rules

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/krm/v1alpha1"
)

// Object is one manifest of the stream with its typed view.
type Object[T any] struct {
	Node *yaml.RNode
	Ref  finding.Object
	// Typed is the manifest decoded into its k8s.io/api (or Gateway API) type.
	Typed T
}

// Workload is a pod-bearing object of the stream (load.PodKinds): a
// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, bare Pod or
// Argo Rollout with a template of its own.
type Workload struct {
	Ref finding.Object
	// Selector is spec.selector where the kind has one (nil otherwise).
	Selector *metav1.LabelSelector
	// Template is the pod template: a Pod's own labels, annotations and spec.
	Template corev1.PodTemplateSpec
	// Kind says where the template is, for field paths.
	Kind load.PodKind
}

// SpecField is the path of a field of the pod spec, e.g.
// "spec.template.spec.serviceAccountName", or for a CronJob
// "spec.jobTemplate.spec.template.spec.serviceAccountName".
// A Workload without a Kind (a test's) is taken for an apps/v1 one.
func (w *Workload) SpecField(f string) string {
	if w.Kind.Kind == "" {
		return load.PodKinds[0].SpecField(f)
	}
	return w.Kind.SpecField(f)
}

// Key is "namespace/name", the form Violation.Workloads uses.
func (w *Workload) Key() string { return w.Ref.Namespace + "/" + w.Ref.Name }

// Declaration is what a NetworkIdentity declared for one workload.
type Declaration struct {
	// Config is the defaulted NetworkIdentity.
	Config *v1alpha1.NetworkIdentity
	// Object is where the config came from.
	Object finding.Object
}

// Stream is the whole output (or, for validation, input) of a render, indexed
// by kind. Rules judge the stream, not the plan, so user-authored objects are
// judged exactly like generated ones.
type Stream struct {
	Namespaces      map[string]*Object[corev1.Namespace]
	Workloads       []*Workload
	Services        []*Object[corev1.Service]
	ServiceAccounts []*Object[corev1.ServiceAccount]
	Secrets         []*Object[corev1.Secret]
	NetworkPolicies []*Object[networkingv1.NetworkPolicy]
	Ingresses       []*Object[networkingv1.Ingress]
	HTTPRoutes      []*Object[gatewayv1.HTTPRoute]
	// Routes are the Gateway API routes of every kind (HTTPRoute, GRPCRoute,
	// TLSRoute, TCPRoute, UDPRoute, any version), reduced to their backendRefs.
	Routes              []*Object[Route]
	Roles               []*Object[rbacv1.Role]
	ClusterRoles        []*Object[rbacv1.ClusterRole]
	RoleBindings        []*Object[rbacv1.RoleBinding]
	ClusterRoleBindings []*Object[rbacv1.ClusterRoleBinding]
	// PeerAuthentications are Istio security.istio.io PeerAuthentications, untyped.
	PeerAuthentications []*Object[map[string]any]
	// Layered are the objects of the layers other than NetworkPolicy that
	// decide reachability (proof.LayerOf), user and generated, in stream
	// order: the connectivity proof compiles and evaluates them with the
	// NetworkPolicies.
	Layered []Layered
	// Declared maps a governed workload's "namespace/name" to its declaration.
	Declared map[string]*Declaration
	// Enforced is what the cluster enforces as the render's settings resolve
	// it (a ClusterNetworkIdentity, else the NetworkIdentities' spec.cni);
	// nil when nothing resolved it, and Cluster reads the declarations.
	Enforced *dialect.Cluster
	// Audit is set when the run's functionConfig says mode: audit.
	Audit bool
	// Conflicts are user objects that collide with generated ones, found while
	// merging (the merged stream no longer shows them).
	Conflicts []Violation
	// Plan is what the configs declared, resolved: the proofs' expectations
	// (nil when the stream carries no NetworkIdentity).
	Plan *plan.Plan
	// Now is the clock the rules that read time judge by (flow-expired);
	// nil is time.Now. Tests and reproducible runs set it.
	Now func() time.Time

	connectivity *proof.Result
	// defaultDeny indexes the proof's compiled policies by the namespaces
	// they may select (defaultDenyModelled), built once.
	defaultDeny *defaultDenyIndex
	index       *index
	// labelled maps "namespace/<netid.dev/workload label value>" to the
	// declared workload's "namespace/name" where the two differ (names over
	// 63 characters, whose label value is shortened).
	labelled map[string]string
	// rendered: netid generated objects into the stream (AddGenerated).
	rendered bool
}

// Layered is an object of a layer other than NetworkPolicy, e.g. a
// CiliumClusterwideNetworkPolicy or an Istio AuthorizationPolicy.
type Layered struct {
	Ref   finding.Object
	Layer proof.Layer
	// Generated says netid rendered it (the mesh's authorization, Cilium
	// FQDN egress): derived from the declaration, not the user's.
	Generated bool
	// JSON is the whole object, as the proof's adapters read it.
	JSON []byte
}

// addLayered records the object when its kind belongs to a layer other than
// NetworkPolicy; it reports whether it did. object gives its JSON.
func (s *Stream) addLayered(ref finding.Object, generated bool, object func() ([]byte, error)) bool {
	l, ok := proof.LayerOf(ref.APIVersion, ref.Kind)
	if !ok || l == proof.NetworkPolicyLayer {
		return false
	}
	js, err := object()
	if err != nil {
		js = nil // the adapter reports an object it cannot decode
	}
	s.Layered = append(s.Layered, Layered{Ref: ref, Layer: l, Generated: generated, JSON: js})
	return true
}

// Cluster is what the cluster enforces: Enforced when the render resolved
// it, else as the declarations say: the CNI named by spec.cni (generic
// unless some declaration names another), without the admin network policy
// API.
func (s *Stream) Cluster() dialect.Cluster {
	if s.Enforced != nil {
		return *s.Enforced
	}
	c := dialect.Cluster{CNI: dialect.Generic}
	for _, k := range s.DeclaredKeys() {
		if cni := dialect.CNI(s.Declared[k].Config.Spec.CNI); cni != "" && cni != dialect.Generic {
			c.CNI = cni
			break
		}
	}
	return c
}

// Connectivity is the connectivity proof of the stream, computed once.
func (s *Stream) Connectivity() *proof.Result {
	if s.connectivity == nil {
		in := proof.Input{Rendered: s.rendered, Namespaces: make(map[string]map[string]string, len(s.Namespaces)), Plan: s.Plan,
			Policies: make([]networkingv1.NetworkPolicy, 0, len(s.NetworkPolicies)), Pods: make([]proof.Pod, 0, len(s.Workloads))}
		for name, ns := range s.Namespaces {
			in.Namespaces[name] = ns.Typed.Labels
			if a := ns.Typed.Annotations; len(a) > 0 {
				if in.NamespaceAnnotations == nil {
					in.NamespaceAnnotations = map[string]map[string]string{}
				}
				in.NamespaceAnnotations[name] = a
			}
		}
		in.Cluster = s.Cluster()
		for _, u := range s.Layered {
			in.Objects = append(in.Objects, proof.Object{LayerObject: proof.LayerObject{APIVersion: u.Ref.APIVersion, Kind: u.Ref.Kind,
				Namespace: u.Ref.Namespace, Name: u.Ref.Name, Layer: u.Layer.Name, Generated: u.Generated}, JSON: u.JSON})
		}
		for _, p := range s.NetworkPolicies {
			in.Policies = append(in.Policies, p.Typed)
		}
		for _, w := range s.Workloads {
			var ports []corev1.ContainerPort
			for _, c := range w.Template.Spec.Containers {
				ports = append(ports, c.Ports...)
			}
			in.Pods = append(in.Pods, proof.Pod{Namespace: w.Ref.Namespace, Name: w.Ref.Name, Labels: w.Template.Labels, Ports: ports,
				ServiceAccount: w.Template.Spec.ServiceAccountName, Annotations: w.Template.Annotations})
		}
		r := proof.Connectivity(in)
		s.connectivity = &r
	}
	return s.connectivity
}

// Review is the RBAC review of one ServiceAccount.
type Review struct {
	Namespace, ServiceAccount string
	// Workload is the declared workload it is the identity of ("" without a
	// Plan); the first of Workloads when several share it.
	Workload string
	// Workloads are all the declared workloads it is the identity of.
	Workloads []string
	// Effective lists what it can do, as kubectl auth can-i --list would.
	Effective []rbac.Rule
	// Excess is what it can do beyond its declaration (nil without a Plan).
	Excess []rbac.Rule
	// Unresolved are bindings of it whose role is not in the stream (say, the
	// cluster's built-in view): what they grant cannot be reviewed.
	Unresolved []rbac.Binding
}

// RBACReview reviews every declared workload's ServiceAccount or, without a
// Plan, every ServiceAccount of the stream; sorted by namespace and name.
func (s *Stream) RBACReview() []Review {
	set := s.RBAC()
	var out []Review
	if s.Plan != nil {
		for _, w := range s.Plan.Workloads {
			// Workloads sharing a ServiceAccount declared one identity
			// (plan refuses them otherwise): review it once, for all.
			if !w.EmitsIdentity() {
				continue
			}
			var declared []rbacv1.PolicyRule
			for _, r := range append(append([]v1alpha1.Rule(nil), w.Spec.Identity.Rules...), w.Spec.Identity.ClusterRules...) {
				declared = append(declared, r.PolicyRule)
			}
			have := set.Effective(w.Namespace(), w.ServiceAccount)
			out = append(out, Review{Namespace: w.Namespace(), ServiceAccount: w.ServiceAccount, Workload: w.Namespace() + "/" + w.Name(), Workloads: identityWorkloads(w),
				Effective: have, Excess: rbac.Exceeds(have, rbac.FromPolicyRules(declared)), Unresolved: set.Unresolved(w.Namespace(), w.ServiceAccount)})
		}
	} else {
		for _, sa := range s.ServiceAccounts {
			out = append(out, Review{Namespace: sa.Ref.Namespace, ServiceAccount: sa.Ref.Name, Effective: set.Effective(sa.Ref.Namespace, sa.Ref.Name)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Namespace+"/"+out[i].ServiceAccount < out[j].Namespace+"/"+out[j].ServiceAccount
	})
	return out
}

// RBAC is the stream's RBAC objects, for the RBAC review.
func (s *Stream) RBAC() rbac.Set {
	var set rbac.Set
	for _, r := range s.Roles {
		set.Roles = append(set.Roles, r.Typed)
	}
	for _, r := range s.ClusterRoles {
		set.ClusterRoles = append(set.ClusterRoles, r.Typed)
	}
	for _, b := range s.RoleBindings {
		set.RoleBindings = append(set.RoleBindings, b.Typed)
	}
	for _, b := range s.ClusterRoleBindings {
		set.ClusterRoleBindings = append(set.ClusterRoleBindings, b.Typed)
	}
	return set
}

// NewStream indexes the items. A manifest whose typed view cannot be read is a
// finding: its kind's rules could not judge it.
func NewStream(items []*yaml.RNode) (*Stream, finding.List) { return NewStreamRead(items, nil) }

// NewStreamRead is NewStream taking the typed views load has decoded of the
// items (load.Model.Read; nil for none) instead of decoding them again. The
// render may since have set the pod spec fields it owns on a workload
// (ownedPodSpecFields), so those are read anew from the node; the stream is
// the one NewStream would build.
func NewStreamRead(items []*yaml.RNode, read map[*yaml.RNode]*load.Read) (*Stream, finding.List) {
	s := &Stream{Namespaces: map[string]*Object[corev1.Namespace]{}, Declared: map[string]*Declaration{}}
	var fs finding.List
	for _, n := range items {
		ref := finding.ObjectOf(n)
		var err error
		if k, ok := load.PodKindOf(n.GetApiVersion(), n.GetKind()); ok {
			var w *Workload
			if w, err = podWorkload(n, ref, k, read[n]); err != nil {
				fs = append(fs, finding.Configf(ref, "", "cannot read this %s to judge it: %v", ref.Kind, err))
			} else if w != nil {
				s.Workloads = append(s.Workloads, w)
			}
			continue
		}
		switch gk(n) {
		case "/Namespace":
			var o *Object[corev1.Namespace]
			if o, err = decode[corev1.Namespace](n, ref); err == nil {
				s.Namespaces[ref.Name] = o
			}
		case "/Service":
			if r := read[n]; r != nil && r.Service != nil && n.GetApiVersion() == "v1" {
				s.Services = append(s.Services, &Object[corev1.Service]{Node: n, Ref: ref, Typed: *r.Service})
				break
			}
			err = add(&s.Services, n, ref)
		case "/ServiceAccount":
			err = add(&s.ServiceAccounts, n, ref)
		case "/Secret":
			err = add(&s.Secrets, n, ref)
		case "networking.k8s.io/NetworkPolicy":
			err = add(&s.NetworkPolicies, n, ref)
		case "networking.k8s.io/Ingress":
			err = add(&s.Ingresses, n, ref)
		case "gateway.networking.k8s.io/HTTPRoute":
			if err = add(&s.HTTPRoutes, n, ref); err == nil {
				err = add(&s.Routes, n, ref)
			}
		case "gateway.networking.k8s.io/GRPCRoute", "gateway.networking.k8s.io/TLSRoute",
			"gateway.networking.k8s.io/TCPRoute", "gateway.networking.k8s.io/UDPRoute":
			err = add(&s.Routes, n, ref)
		case "rbac.authorization.k8s.io/Role":
			err = add(&s.Roles, n, ref)
		case "rbac.authorization.k8s.io/ClusterRole":
			err = add(&s.ClusterRoles, n, ref)
		case "rbac.authorization.k8s.io/RoleBinding":
			err = add(&s.RoleBindings, n, ref)
		case "rbac.authorization.k8s.io/ClusterRoleBinding":
			err = add(&s.ClusterRoleBindings, n, ref)
		case "security.istio.io/PeerAuthentication":
			err = add(&s.PeerAuthentications, n, ref)
			s.addLayered(ref, false, n.MarshalJSON)
		default:
			s.addLayered(ref, false, n.MarshalJSON)
		}
		if err != nil {
			fs = append(fs, finding.Configf(ref, "", "cannot read this %s to judge it: %v", ref.Kind, err))
		}
	}
	return s, fs
}

// now is the stream's clock: Now, else time.Now.
func (s *Stream) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// DeclaredKeys returns the governed workloads' keys, sorted, so rules that
// walk the declarations report in a stable order.
func (s *Stream) DeclaredKeys() []string { return slices.Sorted(maps.Keys(s.Declared)) }

// WorkloadNamespaces returns each namespace that holds a workload, with its
// first workload (in stream order), for rules judged once per namespace.
func (s *Stream) WorkloadNamespaces() []*Workload {
	var out []*Workload
	seen := map[string]bool{}
	for _, w := range s.Workloads {
		if !seen[w.Ref.Namespace] {
			seen[w.Ref.Namespace] = true
			out = append(out, w)
		}
	}
	return out
}

// AddGenerated adds an object the function generated, already typed (no
// YAML to decode). o is its typed form, m its map form (used for the kinds the
// stream keeps untyped), ref its identity and file.
func (s *Stream) AddGenerated(o runtime.Object, m map[string]any, ref finding.Object) {
	s.rendered = true
	switch x := o.(type) {
	case *corev1.Namespace:
		s.Namespaces[ref.Name] = &Object[corev1.Namespace]{Ref: ref, Typed: *x}
	case *corev1.ServiceAccount:
		s.ServiceAccounts = append(s.ServiceAccounts, &Object[corev1.ServiceAccount]{Ref: ref, Typed: *x})
	case *networkingv1.NetworkPolicy:
		s.NetworkPolicies = append(s.NetworkPolicies, &Object[networkingv1.NetworkPolicy]{Ref: ref, Typed: *x})
	case *networkingv1.Ingress:
		s.Ingresses = append(s.Ingresses, &Object[networkingv1.Ingress]{Ref: ref, Typed: *x})
	case *gatewayv1.HTTPRoute:
		s.HTTPRoutes = append(s.HTTPRoutes, &Object[gatewayv1.HTTPRoute]{Ref: ref, Typed: *x})
		s.addRoute(m, ref)
	case *gatewayv1.GRPCRoute, *gatewayv1.TLSRoute, *gatewayv1.TCPRoute, *gatewayv1.UDPRoute:
		s.addRoute(m, ref)
	case *rbacv1.Role:
		s.Roles = append(s.Roles, &Object[rbacv1.Role]{Ref: ref, Typed: *x})
	case *rbacv1.ClusterRole:
		s.ClusterRoles = append(s.ClusterRoles, &Object[rbacv1.ClusterRole]{Ref: ref, Typed: *x})
	case *rbacv1.RoleBinding:
		s.RoleBindings = append(s.RoleBindings, &Object[rbacv1.RoleBinding]{Ref: ref, Typed: *x})
	case *rbacv1.ClusterRoleBinding:
		s.ClusterRoleBindings = append(s.ClusterRoleBindings, &Object[rbacv1.ClusterRoleBinding]{Ref: ref, Typed: *x})
	default:
		if ref.Kind == "PeerAuthentication" && strings.HasPrefix(ref.APIVersion, "security.istio.io/") {
			s.PeerAuthentications = append(s.PeerAuthentications, &Object[map[string]any]{Ref: ref, Typed: m})
		}
		s.addLayered(ref, true, func() ([]byte, error) { return json.Marshal(m) })
	}
}

// Route is a Gateway API route of any kind, as far as the exposure rules
// read it: the backends of each rule. Every route kind has this shape.
type Route struct {
	Spec struct {
		Rules []struct {
			BackendRefs []gatewayv1.BackendObjectReference `json:"backendRefs"`
		} `json:"rules"`
	} `json:"spec"`
}

// addRoute adds a generated route from its map form.
func (s *Stream) addRoute(m map[string]any, ref finding.Object) {
	var r Route
	if b, err := json.Marshal(m); err == nil && json.Unmarshal(b, &r) == nil {
		s.Routes = append(s.Routes, &Object[Route]{Ref: ref, Typed: r})
	}
}

// Declare records a governed workload's declaration.
func (s *Stream) Declare(workloadKey string, d *Declaration) {
	s.Declared[workloadKey] = d
	ns, name, _ := strings.Cut(workloadKey, "/")
	if label := v1alpha1.WorkloadLabelValue(name); label != name {
		if s.labelled == nil {
			s.labelled = map[string]string{}
		}
		s.labelled[ns+"/"+label] = workloadKey
	}
}

// WorkloadsSelectedBy returns the workloads in namespace ns whose pod labels a
// Service-style selector matches (none for an empty selector).
func (s *Stream) WorkloadsSelectedBy(ns string, selector map[string]string) []*Workload {
	if len(selector) == 0 {
		return nil
	}
	sel := labels.SelectorFromSet(selector)
	var out []*Workload
	for _, w := range s.WorkloadsIn(ns) {
		if sel.Matches(labels.Set(w.Template.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

// Service finds a Service by namespace and name.
func (s *Stream) Service(ns, name string) *Object[corev1.Service] {
	return s.idx().services[ns+"/"+name]
}

// OwnerOf attributes a namespaced object to a governed workload through the
// netid.dev/workload label netid puts on what it generates.
func (s *Stream) OwnerOf(ns string, meta metav1.ObjectMeta) []string {
	if w := meta.Labels[v1alpha1.WorkloadLabel]; w != "" {
		owner := s.LabelledWorkload(ns, w)
		if shared := s.sharedIdentity(owner, meta.Name); shared != nil {
			return shared
		}
		return []string{owner}
	}
	return nil
}

// sharedIdentity is every workload sharing the ServiceAccount of the declared
// workload owner ("namespace/name") when the object named name is one of its
// identity objects (ServiceAccount, Role, RoleBinding: the ServiceAccount's
// name; ClusterRole and binding: netid:NS:SA), else nil. These are
// generated once, labelled with the first workload, but belong to all.
func (s *Stream) sharedIdentity(owner, name string) []string {
	if s.Plan == nil {
		return nil
	}
	w := s.idx().sharing[owner]
	if w == nil {
		return nil
	}
	if name == w.ServiceAccount || name == plan.Fit("netid:"+w.Namespace()+":"+w.ServiceAccount) {
		return identityWorkloads(w)
	}
	return nil
}

// identityWorkloads are the "namespace/name" of the workloads whose identity
// is w's ServiceAccount.
func identityWorkloads(w *plan.Workload) []string {
	if len(w.Sharing) == 0 {
		return []string{w.Namespace() + "/" + w.Name()}
	}
	out := make([]string, 0, len(w.Sharing))
	for _, o := range w.Sharing {
		out = append(out, o.Namespace()+"/"+o.Name())
	}
	return out
}

// LabelledWorkload is the "namespace/name" of the declared workload whose
// netid.dev/workload label value is label (v1alpha1.WorkloadLabelValue: the
// name, shortened past 63 characters); "namespace/label" when none is declared.
func (s *Stream) LabelledWorkload(ns, label string) string {
	key := ns + "/" + label
	if w, ok := s.labelled[key]; ok && s.Declared[key] == nil {
		return w
	}
	return key
}

// podWorkload reads a pod-bearing object's template at its kind's path; nil
// for an Argo Rollout without one (spec.workloadRef: the Deployment it
// references is the workload). read is what load decoded of it, or nil.
func podWorkload(n *yaml.RNode, ref finding.Object, k load.PodKind, read *load.Read) (*Workload, error) {
	w := &Workload{Ref: ref, Kind: k}
	if read != nil && read.Template != nil {
		if len(k.Template) == 0 {
			if read.TemplateNode == n.YNode() {
				w.Template = *read.Template
				if rereadOwned(n.YNode(), &w.Template.Spec) {
					return w, nil
				}
			}
		} else {
			t, err := n.Pipe(yaml.Lookup(k.Template...))
			if err == nil {
				switch {
				case t == nil && read.TemplateNode == nil:
					if k.Kind == "Rollout" {
						return nil, nil
					}
					w.Selector = read.Selector
					return w, nil
				case t != nil && t.YNode() == read.TemplateNode:
					w.Selector, w.Template = read.Selector, *read.Template
					if rereadOwned(t.YNode(), &w.Template.Spec) {
						return w, nil
					}
				}
			}
		}
		// anything else is read from the node, as without load's views
		w = &Workload{Ref: ref, Kind: k}
	}
	if len(k.Template) == 0 {
		var pod corev1.Pod
		if err := decodeInto(n, &pod); err != nil {
			return nil, err
		}
		w.Template = corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: pod.Labels, Annotations: pod.Annotations}, Spec: pod.Spec}
		return w, nil
	}
	var sel struct {
		Spec struct {
			Selector *metav1.LabelSelector `json:"selector"`
		} `json:"spec"`
	}
	if err := decodeInto(n, &sel); err != nil {
		return nil, err
	}
	w.Selector = sel.Spec.Selector
	t, err := n.Pipe(yaml.Lookup(k.Template...))
	if err != nil {
		return nil, err
	}
	if t == nil {
		if k.Kind == "Rollout" {
			return nil, nil
		}
		return w, nil
	}
	if err := decodeInto(t, &w.Template); err != nil {
		return nil, err
	}
	return w, nil
}

// ownedPodSpecFields are the fields of a pod spec the render sets on the
// user's workloads after load has read them (emit's patchPodTemplate): a
// stream built from load's views reads these anew.
var ownedPodSpecFields = [...]string{"serviceAccountName", "serviceAccount", "automountServiceAccountToken", "imagePullSecrets"}

// rereadOwned sets the ownedPodSpecFields of spec to what decoding the pod
// template (or Pod) tmpl would give them: a decoder reads each field of a
// struct from its own key, so decoding only these keys reads them as
// decoding the whole template does. It returns false, having changed
// nothing, where the node is not plain enough to be sure of that (an alias
// or merge key on the way, spec given twice, a spec that is neither a
// mapping nor null) or the fields do not decode: the caller decodes the
// whole template then, for the very result or error.
func rereadOwned(tmpl *yaml.Node, spec *corev1.PodSpec) bool {
	if tmpl.Kind != yaml.MappingNode {
		return false
	}
	var specNode *yaml.Node
	for i := 0; i+1 < len(tmpl.Content); i += 2 {
		key := tmpl.Content[i]
		if key.Kind != yaml.ScalarNode || key.Value == "<<" {
			return false
		}
		if key.Value == "spec" {
			if specNode != nil {
				return false
			}
			specNode = tmpl.Content[i+1]
		}
	}
	owned := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
	switch {
	case specNode == nil:
	case specNode.Kind == yaml.ScalarNode && specNode.ShortTag() == yaml.NodeTagNull:
	case specNode.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(specNode.Content); i += 2 {
			key := specNode.Content[i]
			if key.Kind != yaml.ScalarNode || key.Value == "<<" {
				return false
			}
			if slices.Contains(ownedPodSpecFields[:], key.Value) {
				owned.Content = append(owned.Content, key, specNode.Content[i+1])
			}
		}
	default:
		return false
	}
	var fresh corev1.PodSpec
	if len(owned.Content) > 0 {
		if err := decodeInto(yaml.NewRNode(owned), &fresh); err != nil {
			return false
		}
	}
	spec.ServiceAccountName = fresh.ServiceAccountName
	spec.DeprecatedServiceAccount = fresh.DeprecatedServiceAccount
	spec.AutomountServiceAccountToken = fresh.AutomountServiceAccountToken
	spec.ImagePullSecrets = fresh.ImagePullSecrets
	return true
}

func gk(n *yaml.RNode) string {
	group := n.GetApiVersion()
	for i := 0; i < len(group); i++ {
		if group[i] == '/' {
			return group[:i] + "/" + n.GetKind()
		}
	}
	return "/" + n.GetKind()
}

func add[T any](list *[]*Object[T], n *yaml.RNode, ref finding.Object) error {
	o, err := decode[T](n, ref)
	if err == nil {
		*list = append(*list, o)
	}
	return err
}

func decode[T any](n *yaml.RNode, ref finding.Object) (*Object[T], error) {
	var t T
	if err := decodeInto(n, &t); err != nil {
		return nil, err
	}
	return &Object[T]{Node: n, Ref: ref, Typed: t}, nil
}

// decodeInto reads a manifest loosely (the API server owns its schema).
func decodeInto(n *yaml.RNode, v any) error { return yamlconv.FromNode(n, v) }

// roleRules judges the rules of every Role and ClusterRole of the stream with
// check, which gets the object, its rules, whether it is cluster-wide and the
// governed workloads it belongs to (a Role by its namespace, a ClusterRole by
// netid's workload-namespace label).
func (s *Stream) roleRules(check func(ref finding.Object, rules []rbacv1.PolicyRule, cluster bool, owners []string) []Violation) []Violation {
	var out []Violation
	for _, r := range s.Roles {
		out = append(out, check(r.Ref, r.Typed.Rules, false, s.OwnerOf(r.Ref.Namespace, r.Typed.ObjectMeta))...)
	}
	for _, r := range s.ClusterRoles {
		out = append(out, check(r.Ref, r.Typed.Rules, true, s.OwnerOf(r.Typed.Labels[v1alpha1.WorkloadNamespaceLabel], r.Typed.ObjectMeta))...)
	}
	return out
}
