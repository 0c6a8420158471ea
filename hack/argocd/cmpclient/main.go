// Command cmpclient asks a running argocd-cmp-server what Argo CD's
// repo-server asks it, with the repo-server's own client code
// (github.com/argoproj/argo-cd/v3 util/app/discovery, util/cmp and
// cmpserver/apiclient at the version hack/argocd/go.mod pins), so that
// e2e/argocd_test.go can drive the real plugin server without a cluster.
//
//	cmpclient match    -repo ROOT -app REL          # MatchRepository
//	cmpclient generate -repo ROOT -app REL [-plugin NAME]  # GenerateManifest
//
// The plugin sockets are looked up where the repo-server looks:
// $ARGOCD_PLUGINSOCKFILEPATH (default /home/argocd/cmp-server/plugins).
//
// match prints {"plugin": "netid.sock", "isSupported": bool,
// "isDiscoveryEnabled": bool} for every socket there. generate selects the
// plugin as the repo-server does (by name when -plugin is given, else by
// discovery), streams ROOT as a tar.gz with REL as the app path, and prints
// the manifests as one YAML stream; on an error it prints the error the
// repo-server would record (Argo CD's ComparisonError) on stderr and exits 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"

	pluginclient "github.com/argoproj/argo-cd/v3/cmpserver/apiclient"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	utilio "github.com/argoproj/argo-cd/v3/util/io"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cmpclient match|generate -repo ROOT -app REL [-plugin NAME] [-timeout D]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	repo := fs.String("repo", "", "the repository's root, streamed to the plugin as the repo-server streams a checkout")
	app := fs.String("app", "", "the Application's spec.source.path, relative to -repo")
	plugin := fs.String("plugin", "", "the Application's spec.source.plugin.name (empty: discovery)")
	timeout := fs.Duration("timeout", 3*time.Minute, "bound on the whole exchange")
	_ = fs.Parse(os.Args[2:])
	if *repo == "" || *app == "" {
		fmt.Fprintln(os.Stderr, "cmpclient: -repo and -app are required")
		os.Exit(2)
	}
	root, err := filepath.Abs(*repo)
	if err != nil {
		fail(err)
	}
	appPath := filepath.Join(root, *app)
	// What the repo-server passes to every plugin (newEnvRepoQuery).
	env := []string{
		"ARGOCD_APP_NAME=" + filepath.Base(*app),
		"ARGOCD_APP_NAMESPACE=argocd",
		"ARGOCD_APP_REVISION=HEAD",
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/platform/netid.git",
		"ARGOCD_APP_SOURCE_PATH=" + *app,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=main",
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	switch os.Args[1] {
	case "match":
		err = match(ctx, appPath, root, env)
	case "generate":
		err = generate(ctx, appPath, root, *plugin, env)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "cmpclient: %v\n", err)
	os.Exit(1)
}

// match asks every plugin socket MatchRepository, as discovery does for an
// Application without spec.source.plugin.
func match(ctx context.Context, appPath, root string, env []string) error {
	dir := common.GetPluginSockFilePath()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading the plugin socket directory: %w", err)
	}
	type result struct {
		Plugin             string `json:"plugin"`
		IsSupported        bool   `json:"isSupported"`
		IsDiscoveryEnabled bool   `json:"isDiscoveryEnabled"`
	}
	var out []result
	for _, e := range entries {
		if e.Type()&os.ModeSocket == 0 {
			continue
		}
		conn, client, err := pluginclient.NewConfigManagementPluginClientSet(filepath.Join(dir, e.Name())).NewConfigManagementPluginClient()
		if err != nil {
			return fmt.Errorf("dialing %s: %w", e.Name(), err)
		}
		r, err := matchOne(ctx, client, appPath, root, env)
		utilio.Close(conn)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		out = append(out, result{e.Name(), r.GetIsSupported(), r.GetIsDiscoveryEnabled()})
	}
	if len(out) == 0 {
		return errors.New("no plugin socket in " + dir)
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

func matchOne(ctx context.Context, client pluginclient.ConfigManagementPluginServiceClient, appPath, root string, env []string) (*pluginclient.RepositoryResponse, error) {
	stream, err := client.MatchRepository(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening MatchRepository: %w", err)
	}
	if err := cmp.SendRepoStream(ctx, appPath, root, stream, env, nil); err != nil {
		return nil, fmt.Errorf("streaming the repository: %w", err)
	}
	return stream.CloseAndRecv()
}

// generate is the repo-server's runConfigManagementPluginSidecars without
// git credentials: detect the plugin, check its configuration, stream the
// repository and receive the manifests.
func generate(ctx context.Context, appPath, root, plugin string, env []string) error {
	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, appPath, root, plugin, env, nil)
	if err != nil {
		return err
	}
	defer utilio.Close(conn)
	if _, err := client.CheckPluginConfiguration(ctx, &emptypb.Empty{}); err != nil {
		return fmt.Errorf("error calling cmp-server checkPluginConfiguration: %w", err)
	}
	stream, err := client.GenerateManifest(ctx)
	if err != nil {
		return fmt.Errorf("error getting generateManifestStream: %w", err)
	}
	if err := cmp.SendRepoStream(stream.Context(), appPath, root, stream, env, nil); err != nil {
		return fmt.Errorf("error sending file to cmp-server: %w", err)
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("error generating manifests in cmp: %w", err)
	}
	for _, m := range resp.GetManifests() {
		fmt.Printf("---\n%s\n", strings.TrimSpace(m))
	}
	return nil
}
