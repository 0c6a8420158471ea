package v1alpha1

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The CRD's schema for PortRef (these markers): a structural schema cannot
// say "an integer, a string or this object", because types may not be set
// inside anyOf or oneOf (only the int-or-string pair may). So the node is
// left untyped and keeps its unknown fields: the API server checks the object
// form's port and protocol but lets any scalar and any other key pass.
// netid's decoder (UnmarshalJSON) is strict, and the JSON schema
// schema/networkidentity.json, derived by hack/schemagen, states the exact union.
//
// +kubebuilder:validation:Type=""
// +kubebuilder:pruning:PreserveUnknownFields

// PortRef names a port of the callee: a Service port name ("grpc"), a port
// number (443), or an object with a protocol ({port: 443, protocol: TCP}).
// Names and numbers resolve against the callee's Service ports first and its
// container ports second; the generated NetworkPolicy uses the pod's target port.
type PortRef struct {
	// Port is the port name or number.
	Port intstr.IntOrString `json:"port"`
	// Protocol is TCP, UDP or SCTP (default: the Service port's protocol, else TCP).
	// +kubebuilder:validation:Enum=TCP;UDP;SCTP
	Protocol corev1.Protocol `json:"protocol,omitempty"`
}

// portObject is the object form of PortRef, decoded strictly.
type portObject struct {
	Port     *intstr.IntOrString `json:"port"`
	Protocol corev1.Protocol     `json:"protocol,omitempty"`
}

// UnmarshalJSON accepts a number, a string or {port, protocol}.
func (p *PortRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return fmt.Errorf("port must not be null")
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = PortRef{Port: parseIntOrString(s)}
		return nil
	case b[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var o portObject
		if err := dec.Decode(&o); err != nil {
			return fmt.Errorf("port object: %w", err)
		}
		if o.Port == nil {
			return fmt.Errorf("port object needs a port")
		}
		port := *o.Port
		if port.Type == intstr.String {
			port = parseIntOrString(port.StrVal)
		}
		*p = PortRef{Port: port, Protocol: o.Protocol}
		return nil
	default:
		var n int32
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("port must be a name, a number or {port, protocol}: %s", string(b))
		}
		*p = PortRef{Port: intstr.FromInt32(n)}
		return nil
	}
}

// MarshalJSON writes the shortest form that round-trips.
func (p PortRef) MarshalJSON() ([]byte, error) {
	if p.Protocol == "" {
		return json.Marshal(p.Port)
	}
	return json.Marshal(portObject{Port: &p.Port, Protocol: p.Protocol})
}

// String renders the port as written, e.g. "grpc", "443" or "443/UDP".
func (p PortRef) String() string {
	if p.Protocol == "" {
		return p.Port.String()
	}
	return p.Port.String() + "/" + string(p.Protocol)
}

// parseIntOrString keeps numeric strings ("443") as numbers, as kubectl does for
// a quoted port in YAML.
func parseIntOrString(s string) intstr.IntOrString {
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		return intstr.FromInt32(int32(n))
	}
	return intstr.FromString(s)
}
