package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVersionScript runs hack/version.sh in a scratch git repository through
// the states a release goes through, and checks each version it prints is
// the promised form and a semantic version.
func TestVersionScript(t *testing.T) {
	requireTool(t, "git", lookPath("git"), "git is not on PATH")
	repo := t.TempDir()
	script, err := os.ReadFile(filepath.Join(repoRoot, "hack", "version.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(repo, "hack"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "hack", "version.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=e2e", "GIT_AUTHOR_EMAIL=e2e@netid.dev", "GIT_COMMITTER_NAME=e2e", "GIT_COMMITTER_EMAIL=e2e@netid.dev"}
	git := func(args ...string) string {
		t.Helper()
		return strings.TrimSpace(string(mustRun(t, repo, env, nil, "git", args...)))
	}
	version := func() string {
		t.Helper()
		v := strings.TrimSpace(string(mustRun(t, repo, env, nil, filepath.Join(repo, "hack", "version.sh"))))
		if !semver.MatchString(v) {
			t.Errorf("hack/version.sh printed %q, not a semantic version", v)
		}
		return v
	}
	commit := func(msg string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(repo, "file"), []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", "-A")
		git("commit", "-q", "-m", msg)
	}

	git("init", "-q")
	commit("first")
	short := git("rev-parse", "--short", "HEAD")
	if got, want := version(), "0.0.0-dev.g"+short; got != want {
		t.Errorf("untagged: %q, want %q", got, want)
	}
	if err := os.WriteFile(filepath.Join(repo, "file"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := version(), "0.0.0-dev.g"+short+".dirty"; got != want {
		t.Errorf("untagged with a change: %q, want %q", got, want)
	}
	git("checkout", "-q", "--", "file")

	git("tag", "not-a-version")
	git("tag", "v1.2.3")
	if got := version(); got != "1.2.3" {
		t.Errorf("on tag v1.2.3: %q, want 1.2.3", got)
	}
	commit("second")
	if got, want := version(), regexp.MustCompile(`^1\.2\.3-1-g[0-9a-f]{7,}$`); !want.MatchString(got) {
		t.Errorf("one commit past v1.2.3: %q, want %s", got, want)
	}
	if err := os.WriteFile(filepath.Join(repo, "file"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := version(); !strings.HasSuffix(got, "-dirty") {
		t.Errorf("past the tag with a change: %q, want a -dirty suffix", got)
	}
}

// TestMakefileStampsTheVersion: `make image` passes VERSION to the binary
// (`netid version`), to the image's label (the Dockerfile's VERSION build
// argument) and to the image's tag, all one value.
func TestMakefileStampsTheVersion(t *testing.T) {
	out := string(mustRun(t, repoRoot, nil, nil, "make", "-n", "image", "VERSION=1.2.3"))
	for _, want := range []string{
		"-X netid.dev/netid/fn/internal/cli.Version=1.2.3",
		"--build-arg VERSION=1.2.3",
		"-t " + imageName + ":1.2.3",
		"-t " + imageName + ":dev",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("make -n image VERSION=1.2.3 does not run %q:\n%s", want, out)
		}
	}
	dockerfile, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(dockerfile), `org.opencontainers.image.version="${VERSION}"`) {
		t.Error("the Dockerfile does not label the image org.opencontainers.image.version with its VERSION argument")
	}
}
