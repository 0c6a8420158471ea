// Package names shortens the names and label values netid derives from user
// names, so that what it generates stays within the API server's limits: a
// name is at most 253 characters, a label value at most 63.
package names

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// hashLen is the length of the suffix Shorten appends: "-" and 8 hex digits
// of the SHA-256 of the whole input.
const hashLen = 9

// Shorten returns s when it has at most max bytes; otherwise its first
// max-9 bytes, without trailing '-' or '.', then "-" and the first 8 hex
// digits of the SHA-256 of the whole of s. The result is stable across runs,
// two long inputs that share their first max-9 bytes still differ, and a
// valid DNS subdomain stays a valid DNS subdomain (and, with max 63, becomes
// a valid label value). Example: Shorten(200×"a", 63) is 54×"a" + "-" + 8 hex
// digits.
func Shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return strings.TrimRight(s[:max-hashLen], "-.") + "-" + hex.EncodeToString(sum[:4])
}
