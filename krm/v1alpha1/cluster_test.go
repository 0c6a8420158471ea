package v1alpha1_test

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/krm/v1alpha1"
)

const clusterHeader = "apiVersion: netid.dev/v1alpha1\nkind: ClusterNetworkIdentity\nmetadata: {name: prod}\n"

func TestDecodeCluster(t *testing.T) {
	tests := []struct {
		name string
		doc  string // appended to clusterHeader unless it starts with "apiVersion"
		// want is the decoded and defaulted spec when errs is empty.
		want v1alpha1.ClusterSpec
		// errs are the exact error paths of decoding, then validation; msg,
		// if set, must appear in the first error's message.
		errs []string
		msg  string
	}{
		{name: "empty spec defaults to generic", doc: "spec: {}", want: defaulted(v1alpha1.ClusterSpec{CNI: v1alpha1.CNIGeneric})},
		{name: "no spec", doc: "", want: defaulted(v1alpha1.ClusterSpec{CNI: v1alpha1.CNIGeneric})},
		{name: "cni and admin API", doc: "spec: {cni: cilium, adminNetworkPolicy: true}",
			want: defaulted(v1alpha1.ClusterSpec{CNI: v1alpha1.CNICilium, AdminNetworkPolicy: true})},
		{name: "each CNI", doc: "spec: {cni: antrea}", want: defaulted(v1alpha1.ClusterSpec{CNI: v1alpha1.CNIAntrea})},
		{name: "native in a tier with a baseline", doc: `spec:
  cni: calico
  dialect: native
  tier: {name: apps, order: 200}
  baseline:
    ingress: [{from: {namespace: monitoring, podLabels: {app: prometheus}}, ports: [9090], reason: metrics scrape}]
    egress: [{to: {cidr: 10.20.0.0/16}, ports: [{port: 3128, protocol: TCP}], reason: egress proxy}]
    deny: [{cidr: 169.254.169.254/32, reason: cloud metadata}]
    logDenied: true`,
			want: v1alpha1.ClusterSpec{CNI: v1alpha1.CNICalico, Dialect: v1alpha1.DialectNative, Tier: &v1alpha1.PolicyTier{Name: "apps", Order: ptr(int32(200))},
				Baseline: &v1alpha1.Baseline{
					DNS:       &v1alpha1.DNS{Enabled: ptr(true), Namespace: "kube-system", PodLabels: map[string]string{"k8s-app": "kube-dns"}},
					Ingress:   []v1alpha1.BaselineIngress{{From: v1alpha1.BaselinePeer{Namespace: "monitoring", PodLabels: map[string]string{"app": "prometheus"}}, Ports: []v1alpha1.PortRef{{Port: intstr.FromInt32(9090)}}, Reason: "metrics scrape"}},
					Egress:    []v1alpha1.BaselineEgress{{To: v1alpha1.BaselinePeer{CIDR: "10.20.0.0/16"}, Ports: []v1alpha1.PortRef{{Port: intstr.FromInt32(3128), Protocol: "TCP"}}, Reason: "egress proxy"}},
					Deny:      []v1alpha1.BaselineDeny{{CIDR: "169.254.169.254/32", Reason: "cloud metadata"}},
					LogDenied: true,
				}}},
		{name: "native needs a CNI", doc: "spec: {dialect: native}", errs: []string{"spec.dialect"}, msg: "set spec.cni"},
		{name: "unknown dialect", doc: "spec: {dialect: calico}", errs: []string{"spec.dialect"}, msg: "Unsupported value"},
		{name: "bad tier", doc: "spec: {tier: {name: Apps, order: 0}}", errs: []string{"spec.tier.name", "spec.tier.order"}},
		{name: "a tier Calico owns", doc: "spec: {cni: calico, tier: {name: kube-admin}}", errs: []string{"spec.tier.name"}, msg: "a tier Calico or netid's baseline uses"},
		{name: "a Calico tier after the default tier", doc: "spec: {cni: calico, tier: {name: apps, order: 1000000}}", errs: []string{"spec.tier.order"}, msg: "Calico's default tier"},
		{name: "an Antrea static tier's priority", doc: "spec: {cni: antrea, tier: {name: apps, order: 100}}", errs: []string{"spec.tier.order"}, msg: "static tier securityops"},
		{name: "an Antrea static tier by name and priority", doc: "spec: {cni: antrea, tier: {name: securityops, order: 100}}",
			want: v1alpha1.ClusterSpec{CNI: v1alpha1.CNIAntrea, Dialect: v1alpha1.DialectNetworkPolicy, Tier: &v1alpha1.PolicyTier{Name: "securityops", Order: ptr(int32(100))}}},
		{name: "baseline peer and ports", doc: `spec:
  baseline:
    ingress: [{from: {namespace: monitoring}, ports: [metrics], reason: x}]
    egress: [{to: {cidr: 0.0.0.0/0}, ports: [], reason: ""}]
    deny: [{cidr: 10.0.0.1/8, reason: y}]`,
			errs: []string{"spec.baseline.ingress[0].from.podLabels", "spec.baseline.ingress[0].ports[0]", "spec.baseline.egress[0].to.cidr", "spec.baseline.egress[0].ports", "spec.baseline.egress[0].reason", "spec.baseline.deny[0].cidr"}},
		{name: "unknown spec field", doc: "spec: {adminNetworkPolicies: true}", errs: []string{"spec.adminNetworkPolicies"},
			msg: "unknown field (see docs/config.md for the ClusterNetworkIdentity fields)"},
		{name: "unknown top-level field", doc: "spec: {}\nstatus: {}", errs: []string{"status"}, msg: "unknown field"},
		{name: "mistyped bool", doc: `spec: {adminNetworkPolicy: "true"}`, errs: []string{"spec.adminNetworkPolicy"}, msg: "got a string, want true or false"},
		{name: "mistyped cni", doc: "spec: {cni: [cilium]}", errs: []string{"spec.cni"}, msg: "got an array, want a string"},
		{name: "duplicate key", doc: "spec: {cni: calico, cni: cilium}", errs: []string{"spec.cni"}, msg: "field given twice"},
		{name: "unknown CNI", doc: "spec: {cni: flannel}", errs: []string{"spec.cni"}, msg: "Unsupported value"},
		{name: "bad name", doc: "apiVersion: netid.dev/v1alpha1\nkind: ClusterNetworkIdentity\nmetadata: {name: Prod_1}\nspec: {}",
			errs: []string{"metadata.name"}},
		{name: "wrong kind", doc: "apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: prod}\nspec: {}",
			errs: []string{"apiVersion"}, msg: "want netid.dev/v1alpha1 ClusterNetworkIdentity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc
			if !strings.HasPrefix(doc, "apiVersion") {
				doc = clusterHeader + doc
			}
			c, errs := v1alpha1.DecodeCluster([]byte(doc))
			if len(errs) == 0 {
				c.Default()
				errs = c.Validate()
			}
			if got := paths(errs); !reflect.DeepEqual(got, append([]string{}, tc.errs...)) {
				t.Fatalf("error paths = %q, want %q (%v)", got, tc.errs, errs)
			}
			if len(errs) > 0 {
				if tc.msg != "" && !strings.Contains(errs[0].Message, tc.msg) {
					t.Errorf("message %q does not contain %q", errs[0].Message, tc.msg)
				}
				return
			}
			if !reflect.DeepEqual(c.Spec, tc.want) {
				t.Errorf("spec = %+v, want %+v", c.Spec, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// defaulted is a spec with the defaults of the fields the case leaves out.
func defaulted(s v1alpha1.ClusterSpec) v1alpha1.ClusterSpec {
	s.Dialect = v1alpha1.DialectNetworkPolicy
	s.Tier = &v1alpha1.PolicyTier{Name: v1alpha1.DefaultTierName}
	return s
}
