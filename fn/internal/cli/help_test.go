package cli

import (
	"bytes"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/fndoc"
)

// TestHelpPrintsTheCatalogReadme: with the README embedded (as fn/main.go
// does), `netid --help` is the usage and then the README's marked sections,
// which kpt fn doc prints; exit 0, nothing on stderr.
func TestHelpPrintsTheCatalogReadme(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	Readme = string(data)
	defer func() { Readme = "" }()
	doc, err := fndoc.Parse(Readme)
	if err != nil {
		t.Fatalf("fn/README.md: %v", err)
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(args, strings.NewReader(""), &stdout, &stderr); code != 0 || stderr.Len() > 0 {
			t.Fatalf("netid %v: exit %d, stderr %q", args, code, stderr.String())
		}
		out := stdout.String()
		if !strings.HasPrefix(out, usage) {
			t.Errorf("netid %v does not start with the usage", args)
		}
		for name, part := range map[string]string{"Short": doc.Short, "Long": doc.Long, "Examples": doc.Examples} {
			if !strings.Contains(out, part) {
				t.Errorf("netid %v lacks the README's %s section", args, name)
			}
		}
		for _, s := range []string{"NetworkIdentity", "kpt fn eval --image ghcr.io/netid-dev/netid:dev", "spec.ingress[].reason"} {
			if !strings.Contains(out, s) {
				t.Errorf("netid %v does not mention %q", args, s)
			}
		}
	}

	Readme = "# no markers\n"
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--help"}, strings.NewReader(""), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "mdtogo:Short") {
		t.Errorf("a README without its sections: exit %d, stderr %q; want 1 naming the missing section", code, stderr.String())
	}
}

// semver is the grammar of semver.org 2.0.0.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$`)

// TestVersionIsSemver: `netid version` prints the stamped version as it is,
// and an unstamped build a semantic version of its own.
func TestVersionIsSemver(t *testing.T) {
	for _, stamp := range []string{"", "1.4.0", "1.4.0-3-gabc1234-dirty"} {
		Version = stamp
		var stdout bytes.Buffer
		if code := Main([]string{"version"}, nil, &stdout, &bytes.Buffer{}); code != 0 {
			t.Fatalf("exit %d", code)
		}
		got := strings.TrimSpace(stdout.String())
		if stamp != "" && got != stamp {
			t.Errorf("stamped %q, netid version prints %q", stamp, got)
		}
		if !semver.MatchString(got) {
			t.Errorf("netid version prints %q, not a semantic version", got)
		}
	}
	Version = ""
}

func TestDevVersion(t *testing.T) {
	for _, c := range []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, "0.0.0-dev.unknown"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "2193c65aa9e0b1"}, {Key: "vcs.modified", Value: "false"}}, "0.0.0-dev.g2193c65"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "2193c65aa9e0b1"}, {Key: "vcs.modified", Value: "true"}}, "0.0.0-dev.g2193c65.dirty"},
	} {
		got := devVersion(c.settings)
		if got != c.want || !semver.MatchString(got) {
			t.Errorf("devVersion(%v) = %q, want %q", c.settings, got, c.want)
		}
	}
}
