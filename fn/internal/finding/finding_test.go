package finding

import (
	"strings"
	"testing"
)

// A name, namespace, field or file holding a newline or a bidirectional
// formatting character (input netid refuses) is quoted on stderr: the
// finding stays on one line and displays in the order it is stored.
func TestStringQuotesUnprintable(t *testing.T) {
	tests := []struct {
		name string
		f    Finding
		want string
	}{
		{name: "plain", f: Configf(Object{Kind: "Deployment", Namespace: "shop", Name: "web", File: "app/web.yaml"}, "metadata.namespace", "bad"),
			want: "error[config] Deployment/shop/web metadata.namespace (app/web.yaml): bad"},
		{name: "non-ASCII letters stay as they are", f: Configf(Object{Kind: "Deployment", Namespace: "shop", Name: "café"}, "metadata.name", "bad"),
			want: "error[config] Deployment/shop/café metadata.name: bad"},
		{name: "newline in the namespace", f: Configf(Object{Kind: "Deployment", Namespace: "shop\nerror[config] forged", Name: "web"}, "metadata.namespace", "bad"),
			want: `error[config] "Deployment/shop\nerror[config] forged/web" metadata.namespace: bad`},
		{name: "bidi override in a label key", f: Configf(Object{Kind: "Service", Namespace: "shop", Name: "web"}, "spec.selector[a\u202Eb]", "bad"),
			want: `error[config] Service/shop/web "spec.selector[a\u202eb]": bad`},
		{name: "control character in the file", f: Configf(Object{Kind: "Namespace", Name: "shop", File: "x\x1b[2J.yaml"}, "metadata.name", "bad"),
			want: `error[config] Namespace/shop metadata.name ("x\x1b[2J.yaml"): bad`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.f.String()
			if got != tt.want {
				t.Errorf("String() = %s\nwant        %s", got, tt.want)
			}
			if strings.ContainsAny(got, "\n\u202E\x1b") {
				t.Errorf("String() holds a raw control or bidi character: %q", got)
			}
		})
	}
}
