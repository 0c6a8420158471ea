package build

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

func planned(name, ns, sa string) *plan.Workload {
	f := false
	return &plan.Workload{
		Source:         &load.Workload{Object: finding.Object{Kind: "Deployment", Name: name, Namespace: ns}, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "a"}}},
		Spec:           &v1alpha1.Spec{Identity: v1alpha1.Identity{AutomountToken: &f}},
		ServiceAccount: sa,
	}
}

func TestWorkloadLabel(t *testing.T) {
	short := strings.Repeat("w", 63)
	if got := Meta("x", "shop", short).Labels[WorkloadLabel]; got != short {
		t.Errorf("a 63-character workload name is labelled %q, want it unchanged", got)
	}
	long := strings.Repeat("w", 200) + ".example"
	got := Meta("x", "shop", long).Labels[WorkloadLabel]
	if got != v1alpha1.WorkloadLabelValue(long) || got == long {
		t.Errorf("a %d-character workload name is labelled %q, want WorkloadLabelValue's shortening", len(long), got)
	}
	if errs := apivalidation.ValidateObjectMeta(ptr(Meta("x", "shop", long)), true, apivalidation.NameIsDNSSubdomain, nil); len(errs) > 0 {
		t.Errorf("metadata of a long workload's object: %v", errs)
	}
}

// The ClusterRole of a 253-character ServiceAccount, with the most cluster
// rules a config may have, each with the longest reason of 4-byte
// characters: its name fits, and its annotations stay under 129 KiB, about
// half of the API server's 256 KiB (32 KiB with ASCII reasons).
func TestClusterRoleWorstCase(t *testing.T) {
	w := planned(strings.Repeat("w", 253), strings.Repeat("n", 63), strings.Repeat("s", 253))
	for range v1alpha1.MaxClusterRules {
		w.Spec.Identity.ClusterRules = append(w.Spec.Identity.ClusterRules, v1alpha1.Rule{
			PolicyRule: rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get"}},
			Reason:     strings.Repeat("𝄞", v1alpha1.MaxText),
		})
	}
	cr, crb := ClusterRole(w), ClusterRoleBinding(w)
	if crb.RoleRef.Name != cr.Name {
		t.Errorf("the binding refers to %q, the ClusterRole is %q", crb.RoleRef.Name, cr.Name)
	}
	rbacName := func(name string, prefix bool) []string { return path.ValidatePathSegmentName(name, prefix) }
	for _, m := range []metav1.ObjectMeta{cr.ObjectMeta, crb.ObjectMeta} {
		if len(m.Name) > 253 {
			t.Errorf("name of %d characters", len(m.Name))
		}
		if errs := apivalidation.ValidateObjectMeta(&m, false, rbacName, nil); len(errs) > 0 {
			t.Errorf("%s: %v", m.Name, errs)
		}
	}
	size := 0
	for k, v := range cr.Annotations {
		size += len(k) + len(v)
	}
	if size > 129<<10 {
		t.Errorf("annotations of %d bytes, want at most 129 KiB (the API server allows %d)", size, apivalidation.TotalAnnotationSizeLimitB)
	}
}

func TestClusterRoleNameUnchangedWhenShort(t *testing.T) {
	if got := ClusterRoleName(planned("cart", "shop", "cart")); got != "netid:shop:cart" {
		t.Errorf("ClusterRoleName = %q", got)
	}
}

// An Ingress names a Service port by an IANA_SVC_NAME (15 characters at
// most); a longer Service port name (a DNS label, up to 63) goes by number.
func TestIngressBackendPort(t *testing.T) {
	for _, tt := range []struct {
		portName   string
		wantName   string
		wantNumber int32
	}{
		{portName: "http", wantName: "http"},
		{portName: "fifteen-chars-x", wantName: "fifteen-chars-x"},
		{portName: "sixteen-chars-xx", wantNumber: 8080},
		{portName: "", wantNumber: 8080},
	} {
		w := planned("web", "shop", "web")
		w.Exposure = &plan.Exposure{
			Ingress:     &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", Path: "/", Port: v1alpha1.PortRef{Port: intstr.FromInt32(8080)}},
			Service:     &load.Service{Object: finding.Object{Name: "web", Namespace: "shop"}},
			ServicePort: corev1.ServicePort{Name: tt.portName, Port: 8080},
		}
		got := Ingress(w).Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port
		if got.Name != tt.wantName || got.Number != tt.wantNumber {
			t.Errorf("Service port %q: backend port = %+v, want name %q number %d", tt.portName, got, tt.wantName, tt.wantNumber)
		}
	}
}

func ptr[T any](v T) *T { return &v }
