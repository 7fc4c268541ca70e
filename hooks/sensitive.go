package hooks

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
)

// At deploy time a NoEcho parameter, an SSM or Secrets Manager value
// arrives resolved and unmarked inside the properties, so the hook cannot
// tell a secret from a name by where it came from. What the hook says
// (messages, annotations, log lines) may therefore name only values from
// a closed set: enumerations, ports, CIDR blocks, booleans and numbers.
// Every other string property is marked sensitive before evaluation
// (model.Resource.Sensitive), for the engine and the reports to redact,
// and the hook scrubs the values themselves from what it writes.

// closedSetKeys are the property names whose string values come from a
// closed set (an enumeration, a protocol, a CIDR block): safe to show.
var closedSetKeys = map[string]bool{
	"SSEAlgorithm": true, // AES256, aws:kms, aws:kms:dsse
	"HttpTokens":   true, // optional, required
	"HttpEndpoint": true, // enabled, disabled
	"IpProtocol":   true, // tcp, udp, icmp, -1, numbers
	"CidrIp":       true,
	"CidrIpv6":     true,
	"FromPort":     true,
	"ToPort":       true,
	"KeySpec":      true, // SYMMETRIC_DEFAULT, RSA_2048, ...
	"KeyUsage":     true, // ENCRYPT_DECRYPT, SIGN_VERIFY, ...
}

// closedSetPaths are property path patterns (list indexes as []) whose
// string values come from a closed set, where the name alone is too
// general to say so.
var closedSetPaths = map[string]bool{
	"VersioningConfiguration.Status": true, // Enabled, Suspended
}

// closedSet reports whether the string at pattern is from a closed set.
func closedSet(pattern string) bool {
	if closedSetPaths[pattern] {
		return true
	}
	key := pattern
	if i := strings.LastIndexAny(key, ".]"); i >= 0 {
		key = key[i+1:]
	}
	return closedSetKeys[key]
}

// markSensitive lists, in r.Sensitive, every path of r's properties (and
// of its properties before the change) that holds a string not from a
// closed set.
func markSensitive(r *model.Resource) {
	set := map[string]bool{}
	for _, p := range r.Sensitive {
		set[p] = true
	}
	collectFree(r.Properties, "", "", set)
	if r.Change != nil {
		collectFree(r.Change.Before, "", "", set)
	}
	r.Sensitive = r.Sensitive[:0]
	for p := range set {
		r.Sensitive = append(r.Sensitive, p)
	}
	sort.Strings(r.Sensitive)
}

func collectFree(v any, path, pattern string, set map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			collectFree(e, model.AppendKey(path, k), model.AppendKey(pattern, k), set)
		}
	case []any:
		for i, e := range x {
			collectFree(e, model.AppendIndex(path, i), pattern+"[]", set)
		}
	case string:
		if path != "" && !closedSet(pattern) {
			set[path] = true
		}
	}
}

// secretValues are the values of the sensitive strings of resources, to
// be scrubbed from whatever the hook writes. Short values and values that
// are also names the hook shows (a resource's address or type, a rule id)
// are left out: scrubbing them would garble messages without protecting
// anything.
func secretValues(rs []model.Resource, keep []string) []string {
	shown := map[string]bool{}
	for _, k := range keep {
		shown[k] = true
	}
	for _, r := range rs {
		shown[r.Address] = true
		shown[r.Type] = true
	}
	set := map[string]bool{}
	for _, r := range rs {
		for _, p := range r.Sensitive {
			for _, props := range []map[string]any{r.Properties, beforeOf(r)} {
				if v, ok := model.Lookup(props, p); ok {
					if s, ok := v.(string); ok && len(s) >= minSecretLen && !shown[s] {
						set[s] = true
					}
				}
			}
		}
	}
	// model.NewRedactor orders them (longest first, so a value containing
	// another is replaced whole).
	return slices.Collect(maps.Keys(set))
}

// minSecretLen is the shortest value scrubbed from output.
const minSecretLen = 4

func beforeOf(r model.Resource) map[string]any {
	if r.Change == nil {
		return nil
	}
	return r.Change.Before
}
