package emit

import (
	"path/filepath"
	"strings"
	"testing"
)

// Each generated object's file name fits in 255 bytes (where kpt writes it),
// whatever the length of its kind and name; short names keep their form.
func TestPathFileNameFits(t *testing.T) {
	if got, want := path("shop", "NetworkPolicy", "default-deny"), "netid-generated/shop/networkpolicy_default-deny.yaml"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	if got, want := path("", "ClusterRole", "netid:shop:cart"), "netid-generated/_cluster/clusterrole_netid-shop-cart.yaml"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	long := strings.Repeat("n", 253)
	seen := map[string]bool{}
	for _, kind := range []string{"ClusterRoleBinding", "NetworkAuthentication", "ServiceAccount"} {
		for _, name := range []string{long, long[:252] + "m"} {
			p := path("", kind, name)
			base := filepath.Base(p)
			if len(base) > 255 {
				t.Errorf("%s %d-character name: file name of %d bytes: %s", kind, len(name), len(base), base)
			}
			if !strings.HasSuffix(base, ".yaml") || !strings.HasPrefix(base, strings.ToLower(kind)+"_") {
				t.Errorf("file name %s", base)
			}
			if seen[p] {
				t.Errorf("two objects share the file %s", p)
			}
			seen[p] = true
		}
	}
}
