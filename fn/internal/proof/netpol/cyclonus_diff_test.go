package netpol

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// TestCyclonusDifferential compares the engine, verdict by verdict, with the
// Cyclonus matcher (github.com/mattfenwick/cyclonus/pkg/matcher v0.5.6) on
// thousands of random estates and policies from fixed seeds (-short runs
// fewer). Every (source, destination, port/protocol) of every scenario is
// judged in each direction.
//
// Cyclonus does not do what the API server does before a policy is evaluated,
// so the test does it for it (independently of the engine's own code):
//   - defaulting: policyTypes [Ingress], plus Egress when spec.egress is
//     non-empty; a nil protocol is TCP (Cyclonus panics on empty policyTypes);
//   - named ports: the probe carries the name of the destination's container
//     port with that number and protocol ("" for external destinations).
//
// Cyclonus gives every endpoint an IP (it panics judging an ipBlock against an
// endpoint without one), so the generator gives every pod one here.
//
// Known Cyclonus deviations from the API reference (see
// /work/shared/notes/cyclonus-as-oracle.md), special-cased and nothing else:
//  1. NotIn against labels without the key: upstream (apimachinery
//     labels.Requirement.Matches) matches, Cyclonus does not.
//  2. matchLabels {k: ""} against labels without k: upstream does not match
//     (an Equals requirement needs the key), Cyclonus does.
//
// Both are about an absent key, so every scenario is judged three times by
// Cyclonus, on rewrites that keep the upstream meaning of every selector:
//   - raw: as generated (after defaulting);
//   - fixed-empty: every matchLabels {k: ""} also gets `k Exists`, which
//     removes deviation 2 and nothing else;
//   - materialized: every label key any selector names is added, with the
//     value zz-absent, to every pod and namespace lacking it, and Exists k /
//     DoesNotExist k become NotIn k [zz-absent] / In k [zz-absent]: no absent
//     key is left for either deviation to act on. The engine must give the
//     same verdicts on this form as on the raw one (the test checks it).
//
// The test then requires, on every verdict:
//   - engine(raw) == engine(materialized) == Cyclonus(materialized), with zero
//     exceptions;
//   - where engine(raw) != Cyclonus(raw): either Cyclonus(fixed-empty) agrees
//     with the engine (deviation 2), or the policies use NotIn (deviation 1).
//     Both kinds are counted and logged, and each count must be non-zero
//     (proof that the generator does exercise them).
//
// Agreed by both but CNI-dependent in real clusters (not special-cased):
// ipBlock matching pod IPs, SCTP, and pod-to-itself traffic.
//
// On an unexplained disagreement, the test shrinks the policies to a minimal
// set that still disagrees and prints it with the probe.
func TestCyclonusDifferential(t *testing.T) {
	scenarios := 10000
	if testing.Short() {
		scenarios = 1000
	}

	type outcome struct {
		seed int
		st   diffStats
		bad  []disagreement
	}
	results := make([]outcome, scenarios)
	var wg sync.WaitGroup
	seeds := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				sc := genScenario(rand.New(rand.NewPCG(uint64(seed), 0xc1c1)), genOptions{allIPs: true})
				st, bad := diffScenario(sc)
				results[seed] = outcome{seed, st, bad}
			}
		}()
	}
	for seed := range scenarios {
		seeds <- seed
	}
	close(seeds)
	wg.Wait()

	var total diffStats
	failures := 0
	for _, o := range results {
		total.add(o.st)
		if len(o.bad) == 0 {
			continue
		}
		failures++
		if failures <= 3 {
			sc := genScenario(rand.New(rand.NewPCG(uint64(o.seed), 0xc1c1)), genOptions{allIPs: true})
			t.Errorf("seed %d: %d unexplained disagreements; first, minimized:\n%s", o.seed, len(o.bad), explain(sc, o.bad[0]))
		}
	}
	t.Logf("%d scenarios, %d verdicts (ingress and egress of each probe), %d unexplained disagreements in %d scenarios",
		scenarios, total.verdicts, total.unexplained, failures)
	t.Logf("known Cyclonus deviations excluded (engine and Cyclonus differ on the raw form only): %d verdicts from NotIn on an absent key, %d from matchLabels {k: \"\"} on an absent key",
		total.knownNotIn, total.knownEmpty)
	if total.knownNotIn == 0 || total.knownEmpty == 0 {
		t.Errorf("a known deviation was never exercised: the generator no longer covers NotIn / empty matchLabels on absent keys")
	}
}

type diffStats struct {
	verdicts, unexplained  int
	knownNotIn, knownEmpty int
}

func (s *diffStats) add(o diffStats) {
	s.verdicts += o.verdicts
	s.unexplained += o.unexplained
	s.knownNotIn += o.knownNotIn
	s.knownEmpty += o.knownEmpty
}

// disagreement is one unexplained verdict.
type disagreement struct {
	src, dst int
	pp       probePort
	ingress  bool // the direction that differs
	why      string
}

// judges holds every evaluator of one scenario.
type judges struct {
	sc                  scenario
	engine, engineMat   *Engine
	cyRaw, cyFixed      *matcher.Policy
	cyMat               *matcher.Policy
	nsRaw, nsMat        map[string]map[string]string
	podLabelsMat        []map[string]string
	notIn, emptyMatchLb bool
}

func newJudges(sc scenario) (j *judges, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic building the judges: %v", r)
		}
	}()
	j = &judges{sc: sc}
	defaulted := upstreamDefaults(sc.policies)
	mat := materializeAbsence(sc, defaulted)
	j.notIn, j.emptyMatchLb = usesDeviations(defaulted)
	j.engine = New(sc.namespaces, sc.policies, sc.endpoints)
	j.nsRaw = namespaceLabels(sc)
	j.nsMat = mat.namespaces
	j.podLabelsMat = mat.podLabels
	matEndpoints := append([]Endpoint(nil), sc.endpoints...)
	for i := range matEndpoints {
		matEndpoints[i].Labels = mat.podLabels[i]
	}
	j.engineMat = New(mat.namespaces, mat.policies, matEndpoints)
	j.cyRaw = matcher.BuildNetworkPolicies(false, pointers(defaulted))
	j.cyFixed = matcher.BuildNetworkPolicies(false, pointers(fixEmptyMatchLabels(defaulted)))
	j.cyMat = matcher.BuildNetworkPolicies(false, pointers(mat.policies))
	return j, nil
}

// verdicts of the four judges for one probe and direction.
type verdicts struct{ engine, engineMat, cyRaw, cyFixed, cyMat bool }

func (j *judges) judge(src, dst int, pp probePort, ingress bool) (v verdicts, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cyclonus panicked: %v", r)
		}
	}()
	if ingress {
		v.engine = j.engine.IngressAllowed(src, dst, pp.port, pp.proto)
		v.engineMat = j.engineMat.IngressAllowed(src, dst, pp.port, pp.proto)
	} else {
		v.engine = j.engine.EgressAllowed(src, dst, pp.port, pp.proto)
		v.engineMat = j.engineMat.EgressAllowed(src, dst, pp.port, pp.proto)
	}
	v.cyRaw = cyclonusAllows(j.cyRaw, j.traffic(src, dst, pp, false), ingress)
	v.cyFixed = cyclonusAllows(j.cyFixed, j.traffic(src, dst, pp, false), ingress)
	v.cyMat = cyclonusAllows(j.cyMat, j.traffic(src, dst, pp, true), ingress)
	return v, nil
}

func cyclonusAllows(p *matcher.Policy, tr *matcher.Traffic, ingress bool) bool {
	return p.IsIngressOrEgressAllowed(tr, ingress).IsAllowed()
}

func (j *judges) traffic(src, dst int, pp probePort, mat bool) *matcher.Traffic {
	return &matcher.Traffic{
		Source:           j.peer(src, mat),
		Destination:      j.peer(dst, mat),
		ResolvedPort:     int(pp.port),
		ResolvedPortName: resolvePortName(j.sc.endpoints[dst], pp),
		Protocol:         pp.proto,
	}
}

func (j *judges) peer(i int, mat bool) *matcher.TrafficPeer {
	ep := j.sc.endpoints[i]
	p := &matcher.TrafficPeer{IP: ep.IP.String()}
	if ep.Namespace == "" {
		return p
	}
	p.Internal = &matcher.InternalPeer{Namespace: ep.Namespace, PodLabels: ep.Labels, NamespaceLabels: j.nsRaw[ep.Namespace]}
	if mat {
		p.Internal.PodLabels = j.podLabelsMat[i]
		p.Internal.NamespaceLabels = j.nsMat[ep.Namespace]
	}
	return p
}

// resolvePortName is the name of dst's container port serving pp, which is
// what Cyclonus matches a named port against; "" for an external address.
func resolvePortName(dst Endpoint, pp probePort) string {
	if dst.Namespace == "" {
		return ""
	}
	for _, cp := range dst.Ports {
		proto := cp.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if cp.ContainerPort == pp.port && proto == pp.proto {
			return cp.Name
		}
	}
	return ""
}

// diffScenario judges every probe of a scenario.
func diffScenario(sc scenario) (diffStats, []disagreement) {
	var st diffStats
	j, err := newJudges(sc)
	if err != nil {
		st.unexplained++
		return st, []disagreement{{why: err.Error()}}
	}
	var bad []disagreement
	for src := range sc.endpoints {
		for dst := range sc.endpoints {
			for _, pp := range probePorts {
				for _, ingress := range []bool{true, false} {
					st.verdicts++
					if why := j.classify(src, dst, pp, ingress, &st); why != "" {
						st.unexplained++
						bad = append(bad, disagreement{src, dst, pp, ingress, why})
					}
				}
			}
		}
	}
	return st, bad
}

// classify returns why a verdict is an unexplained disagreement, or "";
// known deviations are counted in st (when non-nil).
func (j *judges) classify(src, dst int, pp probePort, ingress bool, st *diffStats) string {
	v, err := j.judge(src, dst, pp, ingress)
	switch {
	case err != nil:
		return err.Error()
	case v.engine != v.engineMat:
		return fmt.Sprintf("engine changes its verdict when absence is materialized (%v, then %v)", v.engine, v.engineMat)
	case v.engine != v.cyMat:
		return fmt.Sprintf("engine says %v, Cyclonus (materialized) says %v", v.engine, v.cyMat)
	case v.engine != v.cyRaw:
		switch {
		case v.cyFixed == v.engine && j.emptyMatchLb:
			if st != nil {
				st.knownEmpty++
			}
		case j.notIn:
			if st != nil {
				st.knownNotIn++
			}
		default:
			return fmt.Sprintf("engine says %v, Cyclonus (raw) says %v, not explained by an empty matchLabels value (Cyclonus with them fixed says %v) nor by NotIn (none in the policies)", v.engine, v.cyRaw, v.cyFixed)
		}
	}
	return ""
}

// fixEmptyMatchLabels adds `k Exists` next to every matchLabels {k: ""}: the
// same selection upstream, and Cyclonus's deviation 2 removed.
func fixEmptyMatchLabels(policies []networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy {
	policies = upstreamDefaults(policies) // deep copies
	eachSelector(policies, func(s *metav1.LabelSelector) {
		keys := make([]string, 0, len(s.MatchLabels))
		for k, v := range s.MatchLabels {
			if v == "" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			s.MatchExpressions = append(s.MatchExpressions, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpExists})
		}
	})
	return policies
}

// upstreamDefaults applies what the API server's defaulting does to
// NetworkPolicies (pkg/apis/networking/v1/defaults.go), on deep copies.
func upstreamDefaults(in []networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy {
	out := make([]networkingv1.NetworkPolicy, len(in))
	for i := range in {
		p := in[i].DeepCopy()
		if len(p.Spec.PolicyTypes) == 0 {
			p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			if len(p.Spec.Egress) != 0 {
				p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
			}
		}
		defaultPorts := func(ports []networkingv1.NetworkPolicyPort) {
			for k := range ports {
				if ports[k].Protocol == nil {
					tcp := corev1.ProtocolTCP
					ports[k].Protocol = &tcp
				}
			}
		}
		for k := range p.Spec.Ingress {
			defaultPorts(p.Spec.Ingress[k].Ports)
		}
		for k := range p.Spec.Egress {
			defaultPorts(p.Spec.Egress[k].Ports)
		}
		out[i] = *p
	}
	return out
}

func pointers(in []networkingv1.NetworkPolicy) []*networkingv1.NetworkPolicy {
	out := make([]*networkingv1.NetworkPolicy, len(in))
	for i := range in {
		out[i] = &in[i]
	}
	return out
}

// namespaceLabels are the labels of every namespace of the scenario as the
// API server would have them: kubernetes.io/metadata.name always set.
func namespaceLabels(sc scenario) map[string]map[string]string {
	out := map[string]map[string]string{}
	add := func(ns string) {
		if _, ok := out[ns]; ok {
			return
		}
		l := map[string]string{corev1.LabelMetadataName: ns}
		for k, v := range sc.namespaces[ns] {
			l[k] = v
		}
		out[ns] = l
	}
	for ns := range sc.namespaces {
		add(ns)
	}
	for _, ep := range sc.endpoints {
		if ep.Namespace != "" {
			add(ep.Namespace)
		}
	}
	return out
}

// absent is the value materializeAbsence gives a missing label key; the
// generator never uses it.
const absent = "zz-absent"

type materialized struct {
	namespaces map[string]map[string]string
	podLabels  []map[string]string
	policies   []networkingv1.NetworkPolicy
}

// materializeAbsence rewrites a scenario so that no selector ever meets an
// absent key, without changing what any selector selects under upstream
// semantics (see TestCyclonusDifferential).
func materializeAbsence(sc scenario, policies []networkingv1.NetworkPolicy) materialized {
	keys := map[string]bool{}
	policies = upstreamDefaults(policies) // deep copies
	eachSelector(policies, func(s *metav1.LabelSelector) {
		for k := range s.MatchLabels {
			keys[k] = true
		}
		for i := range s.MatchExpressions {
			r := &s.MatchExpressions[i]
			keys[r.Key] = true
			switch r.Operator {
			case metav1.LabelSelectorOpExists:
				r.Operator, r.Values = metav1.LabelSelectorOpNotIn, []string{absent}
			case metav1.LabelSelectorOpDoesNotExist:
				r.Operator, r.Values = metav1.LabelSelectorOpIn, []string{absent}
			}
		}
	})
	fill := func(l map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range l {
			out[k] = v
		}
		for k := range keys {
			if _, ok := out[k]; !ok {
				out[k] = absent
			}
		}
		return out
	}
	m := materialized{namespaces: map[string]map[string]string{}, policies: policies}
	for ns, l := range namespaceLabels(sc) {
		m.namespaces[ns] = fill(l)
	}
	for _, ep := range sc.endpoints {
		if ep.Namespace == "" {
			m.podLabels = append(m.podLabels, ep.Labels)
		} else {
			m.podLabels = append(m.podLabels, fill(ep.Labels))
		}
	}
	return m
}

// eachSelector visits every label selector of the policies.
func eachSelector(policies []networkingv1.NetworkPolicy, f func(*metav1.LabelSelector)) {
	peer := func(p *networkingv1.NetworkPolicyPeer) {
		if p.PodSelector != nil {
			f(p.PodSelector)
		}
		if p.NamespaceSelector != nil {
			f(p.NamespaceSelector)
		}
	}
	for i := range policies {
		s := &policies[i].Spec
		f(&s.PodSelector)
		for k := range s.Ingress {
			for l := range s.Ingress[k].From {
				peer(&s.Ingress[k].From[l])
			}
		}
		for k := range s.Egress {
			for l := range s.Egress[k].To {
				peer(&s.Egress[k].To[l])
			}
		}
	}
}

// usesDeviations reports whether the policies use the constructs Cyclonus
// gets wrong on absent keys.
func usesDeviations(policies []networkingv1.NetworkPolicy) (notIn, emptyMatchLabels bool) {
	policies = upstreamDefaults(policies)
	eachSelector(policies, func(s *metav1.LabelSelector) {
		for _, v := range s.MatchLabels {
			if v == "" {
				emptyMatchLabels = true
			}
		}
		for _, r := range s.MatchExpressions {
			if r.Operator == metav1.LabelSelectorOpNotIn {
				notIn = true
			}
		}
	})
	return notIn, emptyMatchLabels
}

// explain shrinks the scenario's policies while the disagreement persists and
// prints the result: policies, endpoints, probe and verdicts.
func explain(sc scenario, d disagreement) string {
	if d.why != "" && d.src == 0 && d.dst == 0 && d.pp == (probePort{}) {
		return d.why
	}
	still := func(policies []networkingv1.NetworkPolicy) bool {
		c := sc
		c.policies = policies
		if len(New(c.namespaces, policies, c.endpoints).Warnings()) > 0 {
			return false // shrunk into something the API server would reject
		}
		j, err := newJudges(c)
		if err != nil {
			return false
		}
		return j.classify(d.src, d.dst, d.pp, d.ingress, nil) != ""
	}
	policies := shrink(sc.policies, still)
	c := sc
	c.policies = policies
	var b strings.Builder
	dir := "egress"
	if d.ingress {
		dir = "ingress"
	}
	fmt.Fprintf(&b, "probe: %s -> %s on %d/%s, %s direction\n", sc.endpoints[d.src].Name, sc.endpoints[d.dst].Name, d.pp.port, d.pp.proto, dir)
	if j, err := newJudges(c); err == nil {
		fmt.Fprintf(&b, "why: %s\n", j.classify(d.src, d.dst, d.pp, d.ingress, nil))
	}
	for _, i := range []int{d.src, d.dst} {
		ep := sc.endpoints[i]
		fmt.Fprintf(&b, "endpoint %s: namespace %q labels %v ip %s ports %v namespace labels %v\n",
			ep.Name, ep.Namespace, ep.Labels, ep.IP, ep.Ports, namespaceLabels(sc)[ep.Namespace])
	}
	y, _ := yaml.Marshal(policies)
	fmt.Fprintf(&b, "policies:\n%s", y)
	return b.String()
}

// shrink greedily removes any one element of the policies' JSON form (a list
// item or an object field) while still(policies) holds.
func shrink(policies []networkingv1.NetworkPolicy, still func([]networkingv1.NetworkPolicy) bool) []networkingv1.NetworkPolicy {
	raw, _ := json.Marshal(policies)
	var tree any
	_ = json.Unmarshal(raw, &tree)
	for changed := true; changed; {
		changed = false
		for _, cand := range reductions(tree) {
			var ps []networkingv1.NetworkPolicy
			b, _ := json.Marshal(cand)
			if json.Unmarshal(b, &ps) != nil || !still(ps) {
				continue
			}
			tree, changed = cand, true
			break
		}
	}
	var out []networkingv1.NetworkPolicy
	b, _ := json.Marshal(tree)
	_ = json.Unmarshal(b, &out)
	return out
}

// reductions lists every tree with one list item or object field removed,
// never touching metadata.
func reductions(tree any) []any {
	var out []any
	switch t := tree.(type) {
	case []any:
		for i := range t {
			out = append(out, append(append([]any{}, t[:i]...), t[i+1:]...))
		}
		for i := range t {
			for _, sub := range reductions(t[i]) {
				c := append([]any{}, t...)
				c[i] = sub
				out = append(out, c)
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "metadata" {
				continue
			}
			c := map[string]any{}
			for k2, v := range t {
				if k2 != k {
					c[k2] = v
				}
			}
			out = append(out, c)
		}
		for _, k := range keys {
			if k == "metadata" {
				continue
			}
			for _, sub := range reductions(t[k]) {
				c := map[string]any{}
				for k2, v := range t {
					c[k2] = v
				}
				c[k] = sub
				out = append(out, c)
			}
		}
	}
	return out
}
