package v1alpha1_test

import (
	"reflect"
	"strings"
	"testing"

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
		{name: "empty spec defaults to generic", doc: "spec: {}", want: v1alpha1.ClusterSpec{CNI: v1alpha1.CNIGeneric}},
		{name: "no spec", doc: "", want: v1alpha1.ClusterSpec{CNI: v1alpha1.CNIGeneric}},
		{name: "every field", doc: "spec: {cni: cilium, adminNetworkPolicy: true}",
			want: v1alpha1.ClusterSpec{CNI: v1alpha1.CNICilium, AdminNetworkPolicy: true}},
		{name: "each CNI", doc: "spec: {cni: antrea}", want: v1alpha1.ClusterSpec{CNI: v1alpha1.CNIAntrea}},
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
			if c.Spec != tc.want {
				t.Errorf("spec = %+v, want %+v", c.Spec, tc.want)
			}
		})
	}
}
