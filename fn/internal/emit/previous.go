package emit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/yamlconv"
)

// markField is where the generated mark is, as findings name it.
var markField = `metadata.annotations["` + load.GeneratedAnnotation + `"]`

// Previous judges the items that carry the generated mark (load.Model's
// Previous), which a render drops and generates again. It drops only what it
// recognises as netid's own, unchanged:
//
//   - an object whose digest annotation matches its content: netid wrote it,
//     and nothing changed it since, whatever netid generates now (so a
//     NetworkIdentity may change between runs and stale objects go);
//   - an object without a digest that is exactly the object netid generates
//     now under its identity (output of a version that wrote no digest).
//
// Anything else carrying the mark is an error naming it: an object edited
// after netid wrote it (a rerun would silently undo the edit), or one that
// copies the mark (a rerun would silently drop it). generated must include
// the report.
func Previous(previous []*yaml.RNode, generated []*Generated) finding.List {
	if len(previous) == 0 {
		return nil
	}
	byID := make(map[string]*Generated, len(generated))
	for _, g := range generated {
		byID[refID(g.Ref)] = g
	}
	var fs finding.List
	for _, n := range previous {
		obj := finding.ObjectOf(n)
		var m map[string]any
		if err := yamlconv.FromNode(n, &m); err != nil {
			fs = append(fs, finding.Configf(obj, markField, "carries the mark of an object netid generated, but cannot be read to recognise it: %v", err))
			continue
		}
		digest := n.GetAnnotations()[load.DigestAnnotation]
		if digest != "" && digest == Digest(m) {
			continue
		}
		if g := byID[idOf(n)]; digest == "" && g != nil && bytes.Equal(canonical(m), canonical(g.Map)) {
			continue
		}
		if digest != "" {
			fs = append(fs, finding.Configf(obj, markField,
				"carries the mark of an object netid generated, but its %s does not match it: it was changed after netid wrote it "+
					"(by hand, or by a function: a kpt function that changes every object must leave netid's alone, "+
					`with exclude: [{annotations: {%s: "true"}}]), or the mark was copied onto it. `+
					"A rerun replaces netid's objects and would silently undo the change or drop the object: make changes in the NetworkIdentity, "+
					"or delete this object to have it generated again; to keep it as your own object, remove the %s and %s annotations",
				load.DigestAnnotation, load.GeneratedAnnotation, load.GeneratedAnnotation, load.DigestAnnotation))
			continue
		}
		fs = append(fs, finding.Configf(obj, markField,
			"carries the mark of an object netid generated, but netid did not generate it: it has no %s and is not what netid generates here. "+
				"A rerun replaces netid's objects and would silently drop it: remove the %s annotation to keep it as your own object, or delete it",
			load.DigestAnnotation, load.GeneratedAnnotation))
	}
	return fs
}

// Digest is the digest annotation's value for an object (a generated object's
// map, or a YAML object read as one): "sha256:" and the hex SHA-256 of its
// canonical form. "" if it has none (a value JSON cannot hold).
func Digest(m map[string]any) string {
	b := canonical(m)
	if b == nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// canonical is the object as JSON with sorted keys, without the digest
// annotation and without the annotations kpt and kustomize add and rewrite
// while reading; nil if it cannot be marshalled.
func canonical(m map[string]any) []byte {
	c := m
	if meta, ok := m["metadata"].(map[string]any); ok {
		if annos, ok := meta["annotations"].(map[string]any); ok {
			kept := make(map[string]any, len(annos))
			for k, v := range annos {
				if k != load.DigestAnnotation && !readerAnnotation(k) {
					kept[k] = v
				}
			}
			meta = maps.Clone(meta)
			if len(kept) == 0 {
				delete(meta, "annotations")
			} else {
				meta["annotations"] = kept
			}
			c = maps.Clone(m)
			c["metadata"] = meta
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil
	}
	return b
}

// readerAnnotation reports whether kpt or kustomize set the annotation while
// reading or passing objects: file, index, id, and internal.config.kubernetes.io/*.
func readerAnnotation(k string) bool {
	switch k {
	case kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.LegacyIdAnnotation:
		return true
	}
	return strings.HasPrefix(k, "internal.config.kubernetes.io/")
}

// refID is idOf for a generated object's reference.
func refID(r finding.Object) string {
	group := r.APIVersion
	if i := strings.Index(group, "/"); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	return group + "/" + r.Kind + "/" + r.Namespace + "/" + r.Name
}
