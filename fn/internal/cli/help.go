package cli

import (
	"fmt"
	"io"
	"runtime/debug"

	"netid.dev/netid/fn/internal/fndoc"
)

// help is `netid --help`: the command usage, then the function's reference
// and examples from its catalog README. kpt fn doc runs the image with
// --help and prints exactly this, so it must exit 0 and write only to stdout.
func help(stdout, stderr io.Writer) int {
	if Readme == "" {
		// A test binary or another main package embeds no README.
		fmt.Fprint(stdout, usage)
		return 0
	}
	doc, err := fndoc.Parse(Readme)
	if err != nil {
		fmt.Fprintf(stderr, "netid: the embedded README: %v\n", err)
		return 1
	}
	if _, err := fmt.Fprintf(stdout, "%s\n%s", usage, functionHelp(doc)); err != nil {
		fmt.Fprintf(stderr, "netid: %v\n", err)
		return 1
	}
	return 0
}

// functionHelp is the README's part of the help text, under a heading.
func functionHelp(doc fndoc.Doc) string {
	return "The function (kpt fn doc; the catalog README, fn/README.md):\n\n" + doc.String()
}

// version is Version when stamped, else 0.0.0-dev.g<commit>[.dirty] from the
// VCS stamp go build records (vcs.revision, vcs.modified), else
// 0.0.0-dev.unknown: always a semantic version, as hack/version.sh prints.
func version() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "0.0.0-dev.unknown"
	}
	return devVersion(info.Settings)
}

// devVersion derives the version of an unstamped build from its build settings.
func devVersion(settings []debug.BuildSetting) string {
	var revision, dirty string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ".dirty"
			}
		}
	}
	if revision == "" {
		return "0.0.0-dev.unknown"
	}
	if len(revision) > 7 {
		revision = revision[:7]
	}
	return "0.0.0-dev.g" + revision + dirty
}
