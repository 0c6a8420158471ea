package process

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"

	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/finding"
)

// checkGeneratedAnnotations refuses a generated object whose annotations
// together pass the API server's 256 KiB (apimachinery's
// ValidateAnnotationsSize). Names and labels are valid by construction
// (validated input, names and label values shortened with a hash; tested
// over every golden case and the API-server corpus), and so are annotations
// of bounded input (free text is at most 1,024 characters, clusterRules at
// most 32); a peer's podLabels are not bounded in number, and its
// netid.dev/peer annotation lists them all.
func checkGeneratedAnnotations(gs []*emit.Generated) finding.List {
	var fs finding.List
	for _, g := range gs {
		meta, _ := g.Map["metadata"].(map[string]any)
		annos, _ := meta["annotations"].(map[string]any)
		m := make(map[string]string, len(annos))
		for k, v := range annos {
			m[k], _ = v.(string)
		}
		if err := apivalidation.ValidateAnnotationsSize(m); err != nil {
			fs = append(fs, finding.Configf(g.Ref, "metadata.annotations", "%s",
				fmt.Sprintf("the API server would refuse this generated %s: its annotations are over %d bytes in all (%v); shorten what they repeat (a peer's podLabels, reasons)",
					g.Ref.Kind, apivalidation.TotalAnnotationSizeLimitB, err)))
		}
	}
	return fs
}
