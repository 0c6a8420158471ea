package load

import "sigs.k8s.io/kustomize/kyaml/yaml"

// FunctionAnnotation marks an object as a KRM function's config
// (kustomize's transformers: and generators: entries).
const FunctionAnnotation = "config.kubernetes.io/function"

// isFunctionConfig says whether the item n is a function's config, local
// configuration by nature, which the local-config warning must not name:
// an item with the function annotation (a kustomize transformer config
// handed to `netid render --config` as it is), or the functionConfig itself
// handed over as an item too (kpt passes a package's config file both ways).
func isFunctionConfig(n, functionConfig *yaml.RNode) bool {
	if _, ok := n.GetAnnotations()[FunctionAnnotation]; ok {
		return true
	}
	return functionConfig != nil && functionConfig.GetKind() == n.GetKind() &&
		functionConfig.GetApiVersion() == n.GetApiVersion() &&
		functionConfig.GetNamespace() == n.GetNamespace() && functionConfig.GetName() == n.GetName()
}
