// Package cfntypes knows the declared types of the CloudFormation
// properties rules compare, and converts values to them the way
// CloudFormation does ("true" -> true, "5432" -> 5432). Every loader needs
// it: templates write numbers as strings, Terraform's list(any) turns
// [80, 80, "tcp"] into strings, and hook requests carry every property as
// a string.
package cfntypes

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/stackgate/stackgate/policies/model"
)

// Declared property types of the type table.
const (
	Boolean = "boolean"
	Integer = "integer"
	Number  = "number"
	String  = "string"
)

// typesJSON is the property type table: for each resource type, the
// declared type of the scalar properties rules compare, keyed by property
// path pattern (list indexes written as []). The types follow the
// CloudFormation resource reference, which is not always the API's: for
// AWS::RDS::DBInstance, AllocatedStorage and Port are strings.
//
//go:embed types.json
var typesJSON []byte

// propertyTypes is typesJSON decoded; embedded data, checked by a test.
// Decoded on first use, not at start-up: `stackgate version` and a
// Terraform-only run never need it.
var propertyTypes = sync.OnceValue(func() map[string]map[string]string { return mustTypes(typesJSON) })

func mustTypes(b []byte) map[string]map[string]string {
	var t struct {
		Types map[string]map[string]string `json:"types"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		panic(fmt.Sprintf("cfntypes: embedded types.json: %v", err))
	}
	return t.Types
}

// TypeOf is the declared type of the property at pattern (a property path
// with list indexes written as []) of a resource type: from the table, or
// string for the Key and Value of tags; "" when it is not declared.
func TypeOf(resourceType, pattern string) string {
	if t, ok := propertyTypes()[resourceType][pattern]; ok {
		return t
	}
	if pattern == "Tags[].Key" || pattern == "Tags[].Value" {
		return String
	}
	return ""
}

// TypeOfBytes is TypeOf for a pattern built in a buffer, which it reads
// without converting it to a string.
func TypeOfBytes(resourceType string, pattern []byte) string {
	if t, ok := propertyTypes()[resourceType][string(pattern)]; ok {
		return t
	}
	if string(pattern) == "Tags[].Key" || string(pattern) == "Tags[].Value" {
		return String
	}
	return ""
}

// Coerce converts a scalar to the declared type where CloudFormation's
// string forms allow it ("true" -> true, "5432" -> 5432, 20 -> "20" for a
// string property). Values that do not convert are kept as written, so a
// rule sees what the source says.
func Coerce(s any, typ string) any {
	switch typ {
	case Boolean:
		if str, ok := s.(string); ok {
			switch strings.ToLower(strings.TrimSpace(str)) {
			case "true":
				return true
			case "false":
				return false
			}
		}
	case Integer:
		switch x := s.(type) {
		case string:
			if i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return i
			}
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x)
			}
		}
	case Number:
		if str, ok := s.(string); ok {
			if n, ok := ParseNumber(strings.TrimSpace(str)); ok {
				return n
			}
		}
	case String:
		if s == nil {
			return s
		}
		if str, ok := ScalarString(s); ok {
			return str
		}
	}
	return s
}

// CoerceProperties converts, in place, every scalar of a resource's
// properties whose type the table declares. Values at the given skip
// paths (references, unknowns) are left alone.
func CoerceProperties(resourceType string, props map[string]any, skip map[string]bool) {
	if len(propertyTypes()[resourceType]) == 0 {
		if _, tags := props["Tags"]; !tags {
			return
		}
	}
	for k, v := range props {
		props[k] = coerceAt(resourceType, v, k, k, skip)
	}
}

func coerceAt(resourceType string, v any, path, pattern string, skip map[string]bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = coerceAt(resourceType, e, model.AppendKey(path, k), model.AppendKey(pattern, k), skip)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = coerceAt(resourceType, e, model.AppendIndex(path, i), pattern+"[]", skip)
		}
		return x
	}
	if skip[path] {
		return v
	}
	if t := TypeOf(resourceType, pattern); t != "" {
		return Coerce(v, t)
	}
	return v
}

// ScalarString is the string form CloudFormation uses for a scalar.
func ScalarString(s any) (string, bool) {
	switch x := s.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// ParseNumber parses a decimal integer (int64) or float (float64).
func ParseNumber(s string) (any, bool) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, true
	}
	return nil, false
}
