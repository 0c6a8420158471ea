package dialect

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// The estate of the upstream conformance suite
// (kubernetes-sigs/network-policy-api conformance/base/manifests.yaml): four
// namespaces network-policy-conformance-<house> labelled conformance-house,
// one pod each labelled likewise, serving web 80/TCP and dns 53/UDP by name;
// each pod has an IP so networks peers can judge it, and "internet" is an
// address outside the cluster.
var anpHouses = map[string]string{"harry": "gryffindor", "draco": "slytherin", "cedric": "hufflepuff", "luna": "ravenclaw"}

func anpEstate() (map[string]map[string]string, []netpol.Endpoint) {
	nss := map[string]map[string]string{}
	var eps []netpol.Endpoint
	for i, pod := range []string{"harry", "draco", "cedric", "luna"} {
		house := anpHouses[pod]
		ns := "network-policy-conformance-" + house
		nss[ns] = map[string]string{"conformance-house": house}
		eps = append(eps, netpol.Endpoint{Name: pod, Namespace: ns, Labels: map[string]string{"conformance-house": house},
			Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 80, Protocol: corev1.ProtocolTCP}, {Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}},
			IP:    netip.AddrFrom4([4]byte{10, 244, 0, byte(i + 1)})})
	}
	eps = append(eps, netpol.Endpoint{Name: "internet", IP: netip.MustParseAddr("8.8.8.8")})
	return nss, eps
}

// anpObjects reads YAML documents into stream objects.
func anpObjects(t testing.TB, docs string) ([]networkingv1.NetworkPolicy, []Object) {
	t.Helper()
	var nps []networkingv1.NetworkPolicy
	var objs []Object
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("yaml: %v\n%s", err, doc)
		}
		var head struct {
			APIVersion, Kind string
			Metadata         struct{ Name, Namespace string }
		}
		if err := yaml.Unmarshal(js, &head); err != nil {
			t.Fatal(err)
		}
		if head.Kind == "NetworkPolicy" {
			var np networkingv1.NetworkPolicy
			if err := yaml.Unmarshal(js, &np); err != nil {
				t.Fatal(err)
			}
			nps = append(nps, np)
			continue
		}
		objs = append(objs, Object{APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace, JSON: js})
	}
	return nps, objs
}

// anpProbe is one connection and what each point must say of it: the
// verdict and Describe of the egress decision (at the source) and of the
// ingress decision (at the destination).
type anpProbe struct {
	from, to        string
	port            int32
	proto           corev1.Protocol
	allowed         bool
	egress, ingress string
}

const anpNone = "no policy decides (allowed)"

func anpRun(t *testing.T, c Cluster, docs string, probes []anpProbe) {
	t.Helper()
	nss, eps := anpEstate()
	nps, objs := anpObjects(t, docs)
	comp := Compile(c, nps, objs)
	if !c.AdminNetworkPolicy {
		// not enforced: each object is named, none evaluated
		if len(comp.Unmodelled) == 0 || len(comp.Policies) != len(nps) {
			t.Fatalf("not enforced: want every object unmodelled, got %+v", comp)
		}
		comp.Unmodelled = nil
	}
	if len(comp.Unmodelled) > 0 {
		t.Fatalf("unexpected unmodelled: %v", comp.Unmodelled)
	}
	ev := model.New(nss, comp.Policies, eps)
	idx := map[string]int{}
	for i, ep := range eps {
		idx[ep.Name] = i
	}
	for _, p := range probes {
		v := ev.Decide(idx[p.from], idx[p.to], p.port, p.proto)
		eg, in := ev.Describe(v.Decisions[0]), ev.Describe(v.Decisions[1])
		if p.egress == anpNone {
			p.egress = "network egress: " + anpNone
		}
		if p.ingress == anpNone {
			p.ingress = "network ingress: " + anpNone
		}
		if v.Allowed != p.allowed || eg != p.egress || in != p.ingress {
			t.Errorf("%s -> %s %d/%s: allowed %v, egress %q, ingress %q; want %v, %q, %q",
				p.from, p.to, p.port, p.proto, v.Allowed, eg, in, p.allowed, p.egress, p.ingress)
		}
	}
}

const (
	anpTCP  = corev1.ProtocolTCP
	anpUDP  = corev1.ProtocolUDP
	anpSCTP = corev1.ProtocolSCTP
)

// anpGressRules is conformance/base/admin_network_policy/
// standard-gress-rules-combined.yaml (v0.1.7) in short: gryffindor's
// egress and ingress rules towards ravenclaw (allow, deny, pass, in the
// order given by first), slytherin (deny then pass at ports) and hufflepuff
// (allow at ports, then deny).
func anpGressRules(first [3]string) string {
	ns := func(h string) string {
		return "- namespaces: {matchLabels: {kubernetes.io/metadata.name: network-policy-conformance-" + h + "}}"
	}
	ports := func(tcp, udp, sctp string) string {
		return "  ports: [{portNumber: {protocol: TCP, port: " + tcp + "}}, {portNumber: {protocol: UDP, port: " + udp + "}}, {portNumber: {protocol: SCTP, port: " + sctp + "}}]\n"
	}
	rules := func(peer string) string {
		s := ""
		for _, a := range first {
			s += "- action: " + a + "\n  " + peer + ":\n  " + ns("ravenclaw") + "\n"
		}
		s += "- action: Deny\n  " + peer + ":\n  " + ns("slytherin") + "\n" + ports("80", "53", "9003")
		s += "- action: Pass\n  " + peer + ":\n  " + ns("slytherin") + "\n" + ports("80", "53", "9003")
		if peer == "to" {
			s += "- action: Allow\n  " + peer + ":\n  " + ns("hufflepuff") + "\n" + ports("8080", "5353", "9003")
		} else {
			s += "- action: Allow\n  " + peer + ":\n  " + ns("hufflepuff") + "\n" + ports("80", "5353", "9003")
		}
		s += "- action: Deny\n  " + peer + ":\n  " + ns("hufflepuff") + "\n"
		return s
	}
	return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: gress-rules}
spec:
  priority: 15
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: network-policy-conformance-gryffindor}}}
  egress:
` + anpIndent(rules("to"), "  ") + `  ingress:
` + anpIndent(rules("from"), "  ")
}

func anpIndent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = by + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

const anpGR = "AdminNetworkPolicy gress-rules (admin tier, priority 15) "

// TestAdminNetworkPolicyTruthTable: verdicts and deciding rules of the
// upstream conformance suite's cases, and of the composition with
// NetworkPolicy the API documents.
func TestAdminNetworkPolicyTruthTable(t *testing.T) {
	cases := []struct {
		name string
		// cite is the documented behaviour the case encodes.
		cite string
		// off: the cluster does not implement the API.
		off    bool
		docs   string
		probes []anpProbe
	}{{
		name: "allow-gress across protocols; deny and pass at ports; first match",
		cite: "conformance/tests/admin-network-policy-standard-gress-rules.go (v0.1.7): \"Should support an 'allow-gress' policy across different protocols\" and \"... at the specified ports\"",
		docs: anpGressRules([3]string{"Allow", "Deny", "Pass"}),
		probes: []anpProbe{
			{"harry", "luna", 80, anpTCP, true, anpGR + "spec.egress[0]: Allow", anpNone},
			{"harry", "luna", 53, anpUDP, true, anpGR + "spec.egress[0]: Allow", anpNone},
			{"harry", "luna", 9003, anpSCTP, true, anpGR + "spec.egress[0]: Allow", anpNone},
			{"luna", "harry", 80, anpTCP, true, anpNone, anpGR + "spec.ingress[0]: Allow"},
			{"harry", "cedric", 8080, anpTCP, true, anpGR + "spec.egress[5]: Allow", anpNone},
			{"harry", "cedric", 80, anpTCP, false, anpGR + "spec.egress[6]: Deny", anpNone},
			{"harry", "cedric", 5353, anpUDP, true, anpGR + "spec.egress[5]: Allow", anpNone},
			{"harry", "cedric", 53, anpUDP, false, anpGR + "spec.egress[6]: Deny", anpNone},
			{"harry", "cedric", 9005, anpSCTP, false, anpGR + "spec.egress[6]: Deny", anpNone},
			{"cedric", "harry", 80, anpTCP, true, anpNone, anpGR + "spec.ingress[5]: Allow"},
			{"cedric", "harry", 8080, anpTCP, false, anpNone, anpGR + "spec.ingress[6]: Deny"},
			{"harry", "draco", 80, anpTCP, false, anpGR + "spec.egress[3]: Deny", anpNone},
			{"draco", "harry", 53, anpUDP, false, anpNone, anpGR + "spec.ingress[3]: Deny"},
			// no rule of the policy matches: the API implies no isolation
			{"harry", "draco", 8080, anpTCP, true, anpNone, anpNone},
		},
	}, {
		name: "deny-gress: the deny rule moved first wins over the allow after it",
		cite: "conformance/tests/admin-network-policy-standard-gress-rules.go (v0.1.7): \"Should support an 'deny-gress' policy across different protocols\" (rules 0 and 1 swapped: DENY takes precedence over ALLOW since rules are ordered)",
		docs: anpGressRules([3]string{"Deny", "Allow", "Pass"}),
		probes: []anpProbe{
			{"harry", "luna", 80, anpTCP, false, anpGR + "spec.egress[0]: Deny", anpNone},
			{"luna", "harry", 53, anpUDP, false, anpNone, anpGR + "spec.ingress[0]: Deny"},
		},
	}, {
		name: "pass-gress: a pass rule first leaves the connection to NetworkPolicy and the baseline, here none",
		cite: "conformance/tests/admin-network-policy-standard-gress-rules.go (v0.1.7): \"Should support an 'pass-gress' policy across different protocols\"; api-overview: Pass skips all further rules from all numbered ANPs",
		docs: anpGressRules([3]string{"Pass", "Deny", "Allow"}),
		probes: []anpProbe{
			{"harry", "luna", 80, anpTCP, true, anpNone, anpNone},
			{"luna", "harry", 80, anpTCP, true, anpNone, anpNone},
		},
	}, {
		name: "priority: the lower priority value's Deny wins over a Pass at 60",
		cite: "conformance/tests/admin-network-policy-standard-priority.go (v0.1.7): \"Should Deny traffic from slytherin to gryffindor respecting ANP\"; spec.priority: lower values have higher precedence",
		docs: anpPriority(60),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, false, anpNone, "AdminNetworkPolicy priority-50-example (admin tier, priority 50) spec.ingress[0]: Deny"},
			{"harry", "draco", 8080, anpTCP, false, "AdminNetworkPolicy priority-50-example (admin tier, priority 50) spec.egress[0]: Deny", anpNone},
		},
	}, {
		name: "priority: the Pass moved to 40 goes first and passes to the baseline's Allow",
		cite: "conformance/tests/admin-network-policy-standard-priority.go (v0.1.7): \"Should respect ANP priority field; thus passing both ingress and egress traffic over to BANP\"",
		docs: anpPriority(40),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, true, anpNone, "BaselineAdminNetworkPolicy default (baseline tier) spec.ingress[0]: Allow"},
			{"harry", "draco", 8080, anpTCP, true, "BaselineAdminNetworkPolicy default (baseline tier) spec.egress[0]: Allow", anpNone},
		},
	}, {
		name: "integration: ANP Deny beats the NetworkPolicy allowing the same traffic",
		cite: "conformance/tests/admin-network-policy-standard-integration.go (v0.1.7): \"Should Deny traffic from slytherin to gryffindor respecting ANP\"",
		docs: anpIntegration("Deny", true),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, false, anpNone, "AdminNetworkPolicy pass-example (admin tier, priority 10) spec.ingress[0]: Deny"},
			{"harry", "draco", 80, anpTCP, false, "AdminNetworkPolicy pass-example (admin tier, priority 10) spec.egress[0]: Deny", anpNone},
		},
	}, {
		name: "integration: ANP Pass defers to the NetworkPolicy, which allows before the baseline's Deny",
		cite: "conformance/tests/admin-network-policy-standard-integration.go (v0.1.7): \"Should support a 'pass-ingress' policy for ANP and respect the match for network policy\" (and pass-egress)",
		docs: anpIntegration("Pass", true),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, true, anpNone, "NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor spec.ingress[0]: Allow"},
			{"harry", "draco", 8080, anpTCP, true, "NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor spec.egress[0]: Allow", anpNone},
			// the NetworkPolicy isolates gryffindor: ravenclaw matches none of its rules
			{"luna", "harry", 80, anpTCP, false, anpNone, "NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor: ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "integration: ANP Pass with no NetworkPolicy reaches the baseline's Deny",
		cite: "conformance/tests/admin-network-policy-standard-integration.go (v0.1.7): \"Should support a 'pass-ingress' policy for ANP and respect the match for baseline admin network policy\" (and pass-egress)",
		docs: anpIntegration("Pass", false),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, false, anpNone, "BaselineAdminNetworkPolicy default (baseline tier) spec.ingress[0]: Deny"},
			{"harry", "draco", 8080, anpTCP, false, "BaselineAdminNetworkPolicy default (baseline tier) spec.egress[0]: Deny", anpNone},
		},
	}, {
		name: "composition: ANP Allow beats NetworkPolicy isolation",
		cite: "AdminNetworkPolicyRuleActionAllow (apis/v1alpha1): matching traffic will be allowed regardless of NetworkPolicy and BaselineAdminNetworkPolicy rules",
		docs: anpDefaultDeny + `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: allow-slytherin}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {conformance-house: gryffindor}}}
  ingress:
  - action: Allow
    from: [{namespaces: {matchLabels: {conformance-house: slytherin}}}]
`,
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, true, anpNone, "AdminNetworkPolicy allow-slytherin (admin tier, priority 5) spec.ingress[0]: Allow"},
			{"luna", "harry", 80, anpTCP, false, anpNone, "NetworkPolicy network-policy-conformance-gryffindor/default-deny: ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "composition: NetworkPolicy isolation beats the baseline's Allow; the baseline's Deny where no NetworkPolicy selects the pod",
		cite: "api-overview (v0.1.7), The BaselineAdminNetworkPolicy Resource: baseline rules CAN be overridden by developer NetworkPolicies; BaselineAdminNetworkPolicyIngressRule: applied if not matched by any AdminNetworkPolicy or NetworkPolicy rules",
		docs: anpDefaultDeny + `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - action: Allow
    from: [{namespaces: {matchLabels: {conformance-house: slytherin}}}]
  - action: Deny
    from: [{namespaces: {}}]
`,
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, false, anpNone, "NetworkPolicy network-policy-conformance-gryffindor/default-deny: ingress isolated, no rule matches (Deny)"},
			{"draco", "cedric", 80, anpTCP, true, anpNone, "BaselineAdminNetworkPolicy default (baseline tier) spec.ingress[0]: Allow"},
			{"luna", "cedric", 80, anpTCP, false, anpNone, "BaselineAdminNetworkPolicy default (baseline tier) spec.ingress[1]: Deny"},
		},
	}, {
		name: "networks peer: 0.0.0.0/0 Deny also denies pod-to-pod traffic; an earlier pods Allow wins",
		cite: "conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go (v0.1.7): \"Should support a 'deny-egress' rule policy for egress-cidr-peer\"; Networks field: cluster-internal traffic will be checked against the rule as well",
		docs: anpInlineCIDR(""),
		probes: []anpProbe{
			{"harry", "luna", 80, anpTCP, false, "AdminNetworkPolicy inline-cidr-as-peers-example (admin tier, priority 85) spec.egress[1]: Deny", anpNone},
			{"harry", "internet", 443, anpTCP, false, "AdminNetworkPolicy inline-cidr-as-peers-example (admin tier, priority 85) spec.egress[1]: Deny", anpNone},
			{"harry", "draco", 80, anpTCP, true, "AdminNetworkPolicy inline-cidr-as-peers-example (admin tier, priority 85) spec.egress[0]: Allow", anpNone},
		},
	}, {
		name: "networks peer: an Allow of pod IPs first opens them",
		cite: "conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go (v0.1.7): \"Should support an 'allow-egress' rule policy for egress-cidr-peer\"",
		docs: anpInlineCIDR("  - action: Allow\n    to: [{networks: [10.244.0.4/32, 10.244.0.3/32]}]\n"),
		probes: []anpProbe{
			{"harry", "luna", 53, anpUDP, true, "AdminNetworkPolicy inline-cidr-as-peers-example (admin tier, priority 85) spec.egress[0]: Allow", anpNone},
			{"harry", "cedric", 80, anpTCP, true, "AdminNetworkPolicy inline-cidr-as-peers-example (admin tier, priority 85) spec.egress[0]: Allow", anpNone},
			{"harry", "internet", 80, anpTCP, false, "AdminNetworkPolicy inline-cidr-as-peers-example (admin tier, priority 85) spec.egress[2]: Deny", anpNone},
		},
	}, {
		name: "named port and port range",
		cite: "conformance/tests/admin-network-policy-experimental-ingress-rules.go (v0.1.7): \"Should support an 'allow-ingress' policy for named port\" (dns is UDP 53 in the pod spec); shared_types.go PortRange: an inclusive range",
		docs: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: ingress-udp}
spec:
  priority: 20
  subject: {namespaces: {matchLabels: {conformance-house: hufflepuff}}}
  ingress:
  - action: Allow
    from: [{namespaces: {matchLabels: {conformance-house: gryffindor}}}]
    ports: [{namedPort: dns}, {portRange: {start: 8000, end: 8080}}]
  - action: Deny
    from: [{pods: {namespaceSelector: {}, podSelector: {}}}]
`,
		probes: []anpProbe{
			{"harry", "cedric", 53, anpUDP, true, anpNone, "AdminNetworkPolicy ingress-udp (admin tier, priority 20) spec.ingress[0]: Allow"},
			{"harry", "cedric", 5353, anpUDP, false, anpNone, "AdminNetworkPolicy ingress-udp (admin tier, priority 20) spec.ingress[1]: Deny"},
			{"harry", "cedric", 53, anpTCP, false, anpNone, "AdminNetworkPolicy ingress-udp (admin tier, priority 20) spec.ingress[1]: Deny"},
			{"harry", "cedric", 8080, anpTCP, true, anpNone, "AdminNetworkPolicy ingress-udp (admin tier, priority 20) spec.ingress[0]: Allow"},
			{"harry", "cedric", 8081, anpTCP, false, anpNone, "AdminNetworkPolicy ingress-udp (admin tier, priority 20) spec.ingress[1]: Deny"},
			{"harry", "cedric", 8000, anpUDP, false, anpNone, "AdminNetworkPolicy ingress-udp (admin tier, priority 20) spec.ingress[1]: Deny"},
		},
	}, {
		name: "ClusterNetworkPolicy v1alpha2: admin Accept/Deny/Pass by priority, then NetworkPolicy, then baseline",
		cite: "api-overview (HEAD), ClusterNetworkPolicy Tiers and Actions: Admin tier, NetworkPolicy tier, Baseline tier; Pass skips all further rules in the current tier; conformance/base/api_integration/standard-anp-np-banp.yaml (HEAD)",
		docs: anpCNP("v1alpha2"),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, true, anpNone, "ClusterNetworkPolicy accept-slytherin (admin tier, priority 5) spec.ingress[0]: Allow"},
			{"cedric", "harry", 80, anpTCP, false, anpNone, "ClusterNetworkPolicy deny-all (admin tier, priority 20) spec.ingress[1]: Deny"},
			{"cedric", "harry", 53, anpUDP, true, anpNone, "NetworkPolicy network-policy-conformance-gryffindor/allow-hufflepuff-dns spec.ingress[0]: Allow"},
			{"luna", "harry", 80, anpTCP, false, anpNone, "ClusterNetworkPolicy deny-all (admin tier, priority 20) spec.ingress[1]: Deny"},
			{"luna", "draco", 80, anpTCP, false, anpNone, "ClusterNetworkPolicy baseline-deny (baseline tier, priority 10) spec.ingress[0]: Deny"},
			{"cedric", "draco", 80, anpTCP, true, anpNone, anpNone},
		},
	}, {
		name: "ClusterNetworkPolicy v1beta1 reads as v1alpha2",
		cite: "apis/v1beta1/clusternetworkpolicy_types.go: the v1alpha2 schema, marked storage version",
		docs: anpCNP("v1beta1"),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, true, anpNone, "ClusterNetworkPolicy accept-slytherin (admin tier, priority 5) spec.ingress[0]: Allow"},
			{"cedric", "harry", 53, anpUDP, true, anpNone, "NetworkPolicy network-policy-conformance-gryffindor/allow-hufflepuff-dns spec.ingress[0]: Allow"},
			{"luna", "draco", 80, anpTCP, false, anpNone, "ClusterNetworkPolicy baseline-deny (baseline tier, priority 10) spec.ingress[0]: Deny"},
		},
	}, {
		name: "ClusterNetworkPolicy egress Accept: the destination's ingress still decides",
		cite: "ClusterNetworkPolicyEgressRule.Action (apis/v1alpha2): Accept ... No further egress ClusterNetworkPolicy or NetworkPolicy rules will be processed but any ingress rules at the destination do apply",
		docs: `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: accept-out}
spec:
  tier: Admin
  priority: 3
  subject: {namespaces: {matchLabels: {conformance-house: slytherin}}}
  egress:
  - action: Accept
    to: [{namespaces: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-out, namespace: network-policy-conformance-slytherin}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
` + anpDefaultDeny,
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, false, "ClusterNetworkPolicy accept-out (admin tier, priority 3) spec.egress[0]: Allow", "NetworkPolicy network-policy-conformance-gryffindor/default-deny: ingress isolated, no rule matches (Deny)"},
			{"draco", "luna", 80, anpTCP, true, "ClusterNetworkPolicy accept-out (admin tier, priority 3) spec.egress[0]: Allow", anpNone},
			{"draco", "internet", 80, anpTCP, false, "NetworkPolicy network-policy-conformance-slytherin/deny-out: egress isolated, no rule matches (Deny)", anpNone},
		},
	}, {
		name: "AdminNetworkPolicy and Admin-tier ClusterNetworkPolicy share one tier: a Pass at 5 skips a Deny at 10 of the other kind",
		cite: "blog post \"API update for v1alpha2\": AdminNetworkPolicy becomes a ClusterNetworkPolicy with tier=Admin, the model stays the same; ClusterNetworkPolicyRuleActionPass skips rules with lower precedence in the current tier",
		docs: `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-hufflepuff}
spec:
  priority: 5
  subject: {namespaces: {}}
  ingress:
  - action: Pass
    from: [{namespaces: {matchLabels: {conformance-house: hufflepuff}}}]
---
apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: deny-all}
spec:
  tier: Admin
  priority: 10
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {}}]
`,
		probes: []anpProbe{
			{"cedric", "harry", 80, anpTCP, true, anpNone, anpNone},
			{"luna", "harry", 80, anpTCP, false, anpNone, "ClusterNetworkPolicy deny-all (admin tier, priority 10) spec.ingress[0]: Deny"},
		},
	}, {
		name: "a cluster that does not implement the API: the policies are named and decide nothing",
		cite: "dialect.Compile: objects of a dialect the cluster does not enforce are Unmodelled",
		off:  true,
		docs: anpIntegration("Deny", false),
		probes: []anpProbe{
			{"draco", "harry", 80, anpTCP, true, anpNone, anpNone},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			anpRun(t, Cluster{AdminNetworkPolicy: !tc.off}, tc.docs, tc.probes)
		})
	}
}

func anpPriority(passPriority int) string {
	pods := func(h string) string {
		return "{pods: {namespaceSelector: {matchLabels: {conformance-house: " + h + "}}, podSelector: {matchLabels: {conformance-house: " + h + "}}}}"
	}
	body := func(action string) string {
		return "  subject: " + pods("gryffindor") + "\n  ingress:\n  - action: " + action + "\n    from: [" + pods("slytherin") + "]\n  egress:\n  - action: " + action + "\n    to: [" + pods("slytherin") + "]\n"
	}
	return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: priority-50-example}
spec:
  priority: 50
` + body("Deny") + `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: old-priority-60-new-priority-40-example}
spec:
  priority: ` + strconv.Itoa(passPriority) + "\n" + body("Pass") + `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
` + body("Allow")
}

func anpIntegration(action string, withNP bool) string {
	ns := func(h string) string { return "{namespaces: {matchLabels: {conformance-house: " + h + "}}}" }
	rules := func(a string) string {
		return "  subject: " + ns("gryffindor") + "\n  ingress:\n  - action: " + a + "\n    from: [" + ns("slytherin") + "]\n  egress:\n  - action: " + a + "\n    to: [" + ns("slytherin") + "]\n"
	}
	s := `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-example}
spec:
  priority: 10
` + rules(action) + `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
` + rules("Deny")
	if withNP {
		s += `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-gress-from-to-slytherin-to-gryffindor, namespace: network-policy-conformance-gryffindor}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {conformance-house: slytherin}}}]
  egress:
  - to: [{namespaceSelector: {matchLabels: {conformance-house: slytherin}}}]
`
	}
	return s
}

const anpDefaultDeny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: network-policy-conformance-gryffindor}
spec:
  podSelector: {}
  policyTypes: [Ingress]`

func anpInlineCIDR(first string) string {
	return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: inline-cidr-as-peers-example}
spec:
  priority: 85
  subject: {pods: {namespaceSelector: {matchLabels: {conformance-house: gryffindor}}, podSelector: {matchLabels: {conformance-house: gryffindor}}}}
  egress:
` + first + `  - action: Allow
    to: [{pods: {namespaceSelector: {matchLabels: {conformance-house: slytherin}}, podSelector: {matchLabels: {conformance-house: slytherin}}}}]
  - action: Deny
    to: [{networks: [0.0.0.0/0, "::/0"]}]
`
}

func anpCNP(version string) string {
	s := `apiVersion: policy.networking.k8s.io/VERSION
kind: ClusterNetworkPolicy
metadata: {name: deny-all}
spec:
  tier: Admin
  priority: 20
  subject: {namespaces: {matchLabels: {conformance-house: gryffindor}}}
  ingress:
  - action: Pass
    from: [{namespaces: {matchLabels: {conformance-house: hufflepuff}}}]
    protocols: [{udp: {destinationPort: {number: 53}}}, {tcp: {destinationPort: {range: {start: 8000, end: 8080}}}}]
  - action: Deny
    from: [{namespaces: {}}]
---
apiVersion: policy.networking.k8s.io/VERSION
kind: ClusterNetworkPolicy
metadata: {name: accept-slytherin}
spec:
  tier: Admin
  priority: 5
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {conformance-house: gryffindor}}}}
  ingress:
  - action: Accept
    from: [{pods: {namespaceSelector: {matchLabels: {conformance-house: slytherin}}, podSelector: {}}}]
    protocols: [{tcp: {destinationPort: {range: {start: 1, end: 65535}}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-hufflepuff-dns, namespace: network-policy-conformance-gryffindor}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {conformance-house: hufflepuff}}}]
---
apiVersion: policy.networking.k8s.io/VERSION
kind: ClusterNetworkPolicy
metadata: {name: baseline-pass}
spec:
  tier: Baseline
  priority: 1
  subject: {namespaces: {matchLabels: {conformance-house: slytherin}}}
  ingress:
  - action: Pass
    from: [{namespaces: {matchLabels: {conformance-house: hufflepuff}}}]
---
apiVersion: policy.networking.k8s.io/VERSION
kind: ClusterNetworkPolicy
metadata: {name: baseline-deny}
spec:
  tier: Baseline
  priority: 10
  subject: {namespaces: {matchLabels: {conformance-house: slytherin}}}
  ingress:
  - action: Deny
    from: [{namespaces: {}}]
`
	return strings.ReplaceAll(s, "VERSION", version)
}

// anpWant is one expected Unmodelled (or Inert) entry: the object, the
// field, and a phrase of the reason.
type anpWant struct{ object, field, why string }

// TestAdminNetworkPolicyUnmodelled: every construct the model cannot
// express, and every spec the API server would reject, is reported by
// object and field, and the object gives no policy, so the proof claims
// nothing about it.
func TestAdminNetworkPolicyUnmodelled(t *testing.T) {
	anp := func(name string, priority int, spec string) string {
		return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: " + name + "}\nspec:\n  priority: " + strconv.Itoa(priority) + "\n" + spec
	}
	subj := "  subject: {namespaces: {matchLabels: {conformance-house: gryffindor}}}\n"
	ingressAny := subj + "  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n"
	egressAny := subj + "  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n"
	cnp := func(name, tier string, priority int, spec string) string {
		return "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: " + name + "}\nspec:\n  tier: " + tier + "\n  priority: " + strconv.Itoa(priority) + "\n" + spec
	}
	many := subj + "  ingress:\n" + strings.Repeat("  - action: Deny\n    from: [{namespaces: {}}]\n", 101)
	cases := []struct {
		name, cite, docs string
		want, inert      []anpWant
		// policies are the objects that still give policies.
		policies []string
	}{{
		name: "nodes peers",
		cite: "conformance/base/admin_network_policy/experimental-egress-selector-rules.yaml (v0.1.7); AdminNetworkPolicyEgressPeer.Nodes selects the nodes' IPs",
		docs: anp("node-and-cidr-as-peers-example", 75, subj+`  egress:
  - action: Allow
    to: [{nodes: {matchLabels: {kubernetes.io/os: linux}}}]
    ports: [{portNumber: {protocol: TCP, port: 36363}}]
  - action: Deny
    to: [{pods: {namespaceSelector: {}, podSelector: {}}}, {nodes: {}}, {networks: [0.0.0.0/0]}]
`),
		want: []anpWant{
			{"AdminNetworkPolicy node-and-cidr-as-peers-example", "spec.egress[0].to[0].nodes", "nodes peer"},
			{"AdminNetworkPolicy node-and-cidr-as-peers-example", "spec.egress[1].to[1].nodes", "nodes peer"},
		},
	}, {
		name: "domainNames peer",
		cite: "AdminNetworkPolicyEgressPeer.DomainNames (apis/v1alpha1): domain names as peers, Allow rules only",
		docs: anp("fqdn", 3, subj+"  egress:\n  - action: Allow\n    to: [{domainNames: [\"*.kubernetes.io\"]}]\n"),
		want: []anpWant{{"AdminNetworkPolicy fqdn", "spec.egress[0].to[0].domainNames", "*.kubernetes.io"}},
	}, {
		name: "equal priorities deciding a common direction",
		cite: "AdminNetworkPolicySpec.Priority: if two (or more) policies with the same priority could both match a connection, the implementation can apply any of the matching policies",
		docs: anp("a", 7, ingressAny) + "\n---\n" + anp("b", 7, ingressAny) + "\n---\n" + anp("c", 8, ingressAny),
		want: []anpWant{
			{"AdminNetworkPolicy a", "spec.priority", "AdminNetworkPolicy b's"},
			{"AdminNetworkPolicy b", "spec.priority", "AdminNetworkPolicy a's"},
		},
		policies: []string{"AdminNetworkPolicy c"},
	}, {
		name:     "equal priorities on different directions are never compared",
		cite:     "AdminNetworkPolicySpec.Ingress: ANPs with no ingress rules do not affect ingress traffic (and so for egress)",
		docs:     anp("a", 7, ingressAny) + "\n---\n" + anp("b", 7, egressAny),
		policies: []string{"AdminNetworkPolicy a", "AdminNetworkPolicy b"},
	}, {
		name: "an AdminNetworkPolicy and an Admin-tier ClusterNetworkPolicy at one priority",
		cite: "ClusterNetworkPolicySpec.Priority: policies in the same tier with the same priority, the implementation can apply any",
		docs: anp("a", 7, ingressAny) + "\n---\n" + cnp("c", "Admin", 7, ingressAny),
		want: []anpWant{
			{"AdminNetworkPolicy a", "spec.priority", "ClusterNetworkPolicy c's"},
			{"ClusterNetworkPolicy c", "spec.priority", "AdminNetworkPolicy a's"},
		},
	}, {
		name: "a BaselineAdminNetworkPolicy not named default",
		cite: "BaselineAdminNetworkPolicy validation: self.metadata.name == 'default'",
		docs: "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: other}\nspec:\n" + ingressAny,
		want: []anpWant{{"BaselineAdminNetworkPolicy other", "metadata.name", "named default"}},
	}, {
		name: "a BaselineAdminNetworkPolicy beside a Baseline-tier ClusterNetworkPolicy",
		cite: "the API documents no order between the two kinds of baseline",
		docs: "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n" + ingressAny + "\n---\n" + cnp("c", "Baseline", 3, ingressAny),
		want: []anpWant{
			{"BaselineAdminNetworkPolicy default", "metadata.name", "no order"},
			{"ClusterNetworkPolicy c", "spec.priority", "no order"},
		},
	}, {
		name: "an unknown field: sameLabels of earlier drafts",
		cite: "dialect.Object.decode: a field the upstream types do not know is a construct the adapter does not model (sameLabels, a namespaces peer field of early v1alpha1 drafts, is not in v0.3.0)",
		docs: anp("x", 1, subj+"  ingress:\n  - action: Allow\n    from: [{namespaces: {sameLabels: [tenant]}}]\n"),
		want: []anpWant{{"AdminNetworkPolicy x", "", "unknown field"}},
	}, {
		name: "an unknown apiVersion",
		cite: "sigs.k8s.io/network-policy-api v0.3.0 ships AdminNetworkPolicy only in v1alpha1",
		docs: strings.Replace(anp("x", 1, ingressAny), "v1alpha1", "v1alpha9", 1),
		want: []anpWant{{"AdminNetworkPolicy x", "apiVersion", "v1alpha9"}},
	}, {
		name: "peers setting no field or two",
		cite: "AdminNetworkPolicyIngressPeer: exactly one of the fields must be set (MinProperties=1, MaxProperties=1)",
		docs: anp("x", 1, subj+"  ingress:\n  - action: Allow\n    from: [{}, {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}]\n"),
		want: []anpWant{
			{"AdminNetworkPolicy x", "spec.ingress[0].from[0]", "sets 0"},
			{"AdminNetworkPolicy x", "spec.ingress[0].from[1]", "sets 2"},
		},
	}, {
		name: "a CIDR with host bits, an empty networks list",
		cite: "CIDR validation: isCIDR(self) && cidr(self) == cidr(self).masked(); Networks MinItems=1",
		docs: anp("x", 1, subj+"  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.1/8, nonsense]}, {networks: []}]\n"),
		want: []anpWant{
			{"AdminNetworkPolicy x", "spec.egress[0].to[1].networks", "0 CIDRs"},
			{"AdminNetworkPolicy x", "spec.egress[0].to[0].networks[0]", "host bits"},
			{"AdminNetworkPolicy x", "spec.egress[0].to[0].networks[1]", "host bits"},
		},
	}, {
		name: "ports out of range, a reversed range, an unknown protocol, an empty list, a doubled entry",
		cite: "shared_types.go Port and PortRange: 1..65535, start less than end, protocol TCP, UDP or SCTP; AdminNetworkPolicyPort: exactly one field; Ports MinItems=1",
		docs: anp("x", 1, subj+`  ingress:
  - action: Allow
    from: [{namespaces: {}}]
    ports: [{portNumber: {protocol: TCP, port: 0}}, {portRange: {start: 90, end: 80}}, {portRange: {start: 1, end: 65536}}, {portNumber: {protocol: ICMP, port: 8}}, {portNumber: {port: 80}, namedPort: web}]
  - action: Allow
    from: [{namespaces: {}}]
    ports: []
  - action: Allow
    from: [{namespaces: {}}]
    ports: [{namedPort: ""}]
`),
		want: []anpWant{
			{"AdminNetworkPolicy x", "spec.ingress[0].ports[0].portNumber", "outside 1..65535"},
			{"AdminNetworkPolicy x", "spec.ingress[0].ports[1].portRange", "not less than end"},
			{"AdminNetworkPolicy x", "spec.ingress[0].ports[2].portRange", "not inside 1..65535"},
			{"AdminNetworkPolicy x", "spec.ingress[0].ports[3].portNumber", "ICMP"},
			{"AdminNetworkPolicy x", "spec.ingress[0].ports[4]", "sets 2"},
			{"AdminNetworkPolicy x", "spec.ingress[1].ports", "empty ports list"},
			{"AdminNetworkPolicy x", "spec.ingress[2].ports[0].namedPort", "empty named port"},
		},
	}, {
		name: "an action the kind does not have, a rule without peers",
		cite: "BaselineAdminNetworkPolicyRuleAction: Enum Allow, Deny; From MinItems=1",
		docs: "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n" + subj + "  ingress:\n  - action: Pass\n    from: [{namespaces: {}}]\n  - action: Deny\n    from: []\n",
		want: []anpWant{
			{"BaselineAdminNetworkPolicy default", "spec.ingress[0].action", `"Pass"`},
			{"BaselineAdminNetworkPolicy default", "spec.ingress[1].from", "no peers"},
		},
	}, {
		name: "a named port beside a networks peer",
		cite: "AdminNetworkPolicyEgressRule validation: networks/nodes/domainNames peer cannot be set with namedPorts",
		docs: anp("x", 1, subj+"  egress:\n  - action: Allow\n    to: [{networks: [10.0.0.0/8]}]\n    ports: [{namedPort: web}]\n"),
		want: []anpWant{{"AdminNetworkPolicy x", "spec.egress[0].ports[0].namedPort", "named port"}},
	}, {
		name: "a selector that does not parse, a subject with both fields, a priority out of range",
		cite: "AdminNetworkPolicySubject: exactly one field; Priority Minimum=0 Maximum=1000",
		docs: anp("x", 1001, "  subject: {namespaces: {matchExpressions: [{key: a, operator: Near}]}, pods: {namespaceSelector: {}, podSelector: {}}}\n  ingress:\n  - action: Deny\n    from: [{namespaces: {matchExpressions: [{key: a, operator: Near}]}}]\n"),
		want: []anpWant{
			{"AdminNetworkPolicy x", "spec.priority", "outside 0..1000"},
			{"AdminNetworkPolicy x", "spec.subject", "sets 2"},
			{"AdminNetworkPolicy x", "spec.ingress[0].from[0].namespaces", "does not parse"},
		},
	}, {
		name: "too many rules",
		cite: "AdminNetworkPolicySpec.Ingress: MaxItems=100",
		docs: anp("x", 1, many),
		want: []anpWant{{"AdminNetworkPolicy x", "spec.ingress", "more than the 100"}},
	}, {
		name: "ClusterNetworkPolicy: an unknown tier, Allow for Accept, protocol entries without a port",
		cite: "ClusterNetworkPolicySpec.Tier Enum Admin, Baseline; ClusterNetworkPolicyRuleAction Enum Accept, Deny, Pass; ClusterNetworkPolicyProtocolTCP MinProperties=1; Port exactly one of number, range",
		docs: cnp("t", "Middle", 1, ingressAny) + "\n---\n" + cnp("c", "Admin", 2, subj+"  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n    protocols: [{tcp: {}}, {udp: {destinationPort: {}}}]\n"),
		want: []anpWant{
			{"ClusterNetworkPolicy t", "spec.tier", "Middle"},
			{"ClusterNetworkPolicy c", "spec.ingress[0].action", `"Allow"`},
			{"ClusterNetworkPolicy c", "spec.ingress[0].protocols[0].tcp", "without destinationPort"},
			{"ClusterNetworkPolicy c", "spec.ingress[0].protocols[1].udp.destinationPort", "neither number nor range"},
		},
	}, {
		name:  "a policy without rules is inert",
		cite:  "AdminNetworkPolicySpec: ANPs with no ingress rules do not affect ingress traffic (and so for egress)",
		docs:  anp("empty", 1, subj),
		inert: []anpWant{{"AdminNetworkPolicy empty", "spec", "no ingress or egress rules"}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nps, objs := anpObjects(t, tc.docs)
			comp := Compile(Cluster{AdminNetworkPolicy: true}, nps, objs)
			anpMatch(t, "unmodelled", comp.Unmodelled, tc.want)
			anpMatch(t, "inert", comp.Inert, tc.inert)
			var got []string
			for _, p := range comp.Policies {
				got = append(got, p.Object)
			}
			if strings.Join(got, ",") != strings.Join(tc.policies, ",") {
				t.Errorf("policies of %v, want %v", got, tc.policies)
			}
		})
	}
}

func anpMatch(t *testing.T, what string, got []model.Unmodelled, want []anpWant) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, u := range got {
			if !used[i] && u.Object == w.object && u.Field == w.field && strings.Contains(u.Why, w.why) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s: no %+v in %v", what, w, got)
		}
	}
	for i, u := range got {
		if u.Layer != LayerAdmin {
			t.Errorf("%s: %v has layer %q", what, u, u.Layer)
		}
		if !used[i] {
			t.Errorf("%s: unexpected %v", what, u)
		}
	}
}

// TestAdminNetworkPolicyDefersToNetworkPolicy: an admin tier that passes
// everything and a baseline that matches nothing leave every verdict to
// NetworkPolicy, so the model answers exactly as the NetworkPolicy engine
// (proof/netpol) on random NetworkPolicies over the conformance estate.
// Pass "instructs the selected traffic to skip any remaining ANP rules, and
// then pass execution to any NetworkPolicies that select the pod"
// (AdminNetworkPolicyIngressRule.Action).
func TestAdminNetworkPolicyDefersToNetworkPolicy(t *testing.T) {
	_, objs := anpObjects(t, `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-all}
spec:
  priority: 0
  subject: {namespaces: {}}
  ingress:
  - action: Pass
    from: [{namespaces: {}}]
  egress:
  - action: Pass
    to: [{namespaces: {}}, {networks: [0.0.0.0/0, "::/0"]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-after-pass}
spec:
  priority: 1
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {}}]
  egress:
  - action: Deny
    to: [{namespaces: {}}, {networks: [0.0.0.0/0, "::/0"]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {matchLabels: {no-such-label: x}}}]
`)
	nss, eps := anpEstate()
	rng := rand.New(rand.NewPCG(1, 2))
	houses := []string{"gryffindor", "slytherin", "hufflepuff", "ravenclaw"}
	sel := func() *metav1.LabelSelector {
		if rng.IntN(3) == 0 {
			return &metav1.LabelSelector{}
		}
		return &metav1.LabelSelector{MatchLabels: map[string]string{"conformance-house": houses[rng.IntN(4)]}}
	}
	ports := func() []networkingv1.NetworkPolicyPort {
		var out []networkingv1.NetworkPolicyPort
		for range rng.IntN(3) {
			p := networkingv1.NetworkPolicyPort{}
			switch rng.IntN(4) {
			case 0:
				v := intstr.FromInt32(80)
				p.Port = &v
			case 1:
				v, proto := intstr.FromInt32(53), corev1.ProtocolUDP
				p.Port, p.Protocol = &v, &proto
			case 2:
				v := intstr.FromString("web")
				p.Port = &v
			}
			out = append(out, p)
		}
		return out
	}
	peers := func() []networkingv1.NetworkPolicyPeer {
		var out []networkingv1.NetworkPolicyPeer
		for range rng.IntN(3) {
			switch rng.IntN(3) {
			case 0:
				out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: sel()})
			case 1:
				out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: sel(), PodSelector: sel()})
			default:
				out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.244.0.0/30"}})
			}
		}
		return out
	}
	verdicts := 0
	for scenario := range 300 {
		var nps []networkingv1.NetworkPolicy
		for i := range rng.IntN(4) {
			house := houses[rng.IntN(4)]
			np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "np" + strconv.Itoa(i), Namespace: "network-policy-conformance-" + house},
				Spec: networkingv1.NetworkPolicySpec{PodSelector: *sel()}}
			switch rng.IntN(3) {
			case 0:
				np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			case 1:
				np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
			default:
				np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
			}
			for range rng.IntN(3) {
				np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: peers(), Ports: ports()})
				np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: peers(), Ports: ports()})
			}
			nps = append(nps, np)
		}
		engine := netpol.New(nss, nps, eps)
		comp := Compile(Cluster{AdminNetworkPolicy: true}, nps, objs)
		if len(comp.Unmodelled) > 0 || len(comp.Policies) != len(nps)+3 {
			t.Fatalf("scenario %d: %d policies, unmodelled %v", scenario, len(comp.Policies), comp.Unmodelled)
		}
		ev := model.New(nss, comp.Policies, eps)
		for src := range eps {
			for dst := range eps {
				for _, pp := range []struct {
					port  int32
					proto corev1.Protocol
				}{{80, anpTCP}, {53, anpUDP}, {8080, anpTCP}, {53, anpTCP}} {
					want := engine.Allowed(src, dst, pp.port, pp.proto)
					v := ev.Decide(src, dst, pp.port, pp.proto)
					verdicts++
					if v.Allowed != want {
						t.Fatalf("scenario %d: %s -> %s %d/%s: engine %v, model %v (%s; %s)", scenario, eps[src].Name, eps[dst].Name, pp.port, pp.proto,
							want, v.Allowed, ev.Describe(v.Decisions[0]), ev.Describe(v.Decisions[1]))
					}
				}
			}
		}
	}
	t.Logf("%d verdicts equal", verdicts)
}
