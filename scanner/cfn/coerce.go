package cfn

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Declared property types of the type table.
const (
	typeBoolean = "boolean"
	typeInteger = "integer"
	typeNumber  = "number"
	typeString  = "string"
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
var propertyTypes = mustTypes(typesJSON)

func mustTypes(b []byte) map[string]map[string]string {
	var t struct {
		Types map[string]map[string]string `json:"types"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		panic(fmt.Sprintf("cfn: embedded types.json: %v", err))
	}
	return t.Types
}

// coerce converts a scalar to the declared type where CloudFormation's
// string forms allow it ("true" -> true, "5432" -> 5432, 20 -> "20" for a
// string property). Values that do not convert are kept as written, so a
// rule sees what the template says.
func coerce(s any, typ string) any {
	switch typ {
	case typeBoolean:
		if str, ok := s.(string); ok {
			switch strings.ToLower(strings.TrimSpace(str)) {
			case "true":
				return true
			case "false":
				return false
			}
		}
	case typeInteger:
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
	case typeNumber:
		if str, ok := s.(string); ok {
			if n, ok := parseNumber(strings.TrimSpace(str)); ok {
				return n
			}
		}
	case typeString:
		if s == nil {
			return s
		}
		if str, ok := scalarString(s); ok {
			return str
		}
	}
	return s
}
