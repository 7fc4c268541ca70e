package plan

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"
)

// decodeEntry decodes one resource_changes or resource_drift entry as
// json.Unmarshal into *fastChangeEntry does, from text that has already
// been validated (by splitPlan or encoding/json's first pass). On a large
// plan encoding/json spent most of decodeRest's time here: it validates
// each entry again and then walks every byte of the values it only keeps
// as text. decodeEntry finds members by their brackets, decodes the few
// strings the loader reads, and hands the values to the same
// UnmarshalJSON methods encoding/json calls. ok is false for anything it
// is not sure to decode the same way (a member name with escapes, one
// that matches a field only without regard to case, a repeated one, a
// kind the field does not take): the caller then uses json.Unmarshal,
// which decodes or reports it as it always did.
func decodeEntry(b []byte, p *valueParser) (e *fastChangeEntry, ok bool) {
	if string(b) == "null" {
		return nil, true
	}
	e = &fastChangeEntry{}
	rc := &e.ResourceChange
	ok = eachMember(b, p, entryNames, func(name string, v []byte) bool {
		switch name {
		case "address":
			return stringField(&rc.Address, v, nil)
		case "previous_address":
			return stringField(&rc.PreviousAddress, v, nil)
		case "module_address":
			return stringField(&rc.ModuleAddress, v, p)
		case "mode":
			return modeField(&rc.Mode, v, p)
		case "type":
			return stringField(&rc.Type, v, p)
		case "name":
			return stringField(&rc.Name, v, p)
		case "index":
			return json.Unmarshal(v, &rc.Index) == nil
		case "provider_name":
			return stringField(&rc.ProviderName, v, p)
		case "deposed":
			return stringField(&rc.DeposedKey, v, nil)
		case "action_reason":
			var s string
			ok := stringField(&s, v, p)
			rc.ActionReason = tfjson.ActionReason(s)
			return ok
		case "change":
			if v[0] == 'n' {
				return true
			}
			e.Change = &fastChange{}
			return decodeChange(v, p, e.Change)
		}
		return true
	})
	return e, ok
}

// decodeChange decodes the change of an entry (see decodeEntry).
func decodeChange(b []byte, p *valueParser, c *fastChange) bool {
	if b[0] != '{' {
		return false
	}
	return eachMember(b, p, changeNames, func(name string, v []byte) bool {
		switch name {
		case "actions":
			return actionsField(&c.Actions, v, p)
		case "before":
			return c.Before.UnmarshalJSON(v) == nil
		case "after":
			return c.After.UnmarshalJSON(v) == nil
		case "after_unknown":
			return c.AfterUnknown.UnmarshalJSON(v) == nil
		case "before_sensitive":
			return c.BeforeSensitive.UnmarshalJSON(v) == nil
		case "after_sensitive":
			return c.AfterSensitive.UnmarshalJSON(v) == nil
		case "importing":
			return json.Unmarshal(v, &c.Importing) == nil
		case "generated_config":
			return stringField(&c.GeneratedConfig, v, nil)
		case "replace_paths":
			return c.ReplacePaths.UnmarshalJSON(v) == nil
		case "before_identity":
			return c.BeforeIdentity.UnmarshalJSON(v) == nil
		case "after_identity":
			return c.AfterIdentity.UnmarshalJSON(v) == nil
		}
		return true
	})
}

// The member names of an entry and of its change: the fields of
// tfjson.ResourceChange and tfjson.Change (fastChangeEntry and fastChange
// replace some, under the same names).
var (
	entryNames  = []string{"address", "previous_address", "module_address", "mode", "type", "name", "index", "provider_name", "deposed", "change", "action_reason"}
	changeNames = []string{"actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive", "importing", "generated_config", "replace_paths", "before_identity", "after_identity"}
)

// eachMember calls fn with the name and value text of every member of
// the valid JSON object b, in order, and reports whether b is an object
// and fn returned true for every member. A member name that is not plain
// (see plainName), that repeats, or that matches one of fields only
// without regard to case is false, as is any name fn does not know that
// way; names that are not fields at all are passed to fn, which ignores
// them as encoding/json does. With p, names are interned.
func eachMember(b []byte, p *valueParser, fields []string, fn func(name string, v []byte) bool) bool {
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	var seen [64]string // more members than that: left to encoding/json
	n := 0
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for i < len(b) && b[i] == '"' {
		kEnd := skipString(b, i)
		name, ok := fieldNamed(b[i+1:kEnd-1], fields)
		if !ok {
			if p != nil {
				name = p.intern(b[i+1 : kEnd-1]) // no copy: the names repeat
			} else {
				name = string(b[i+1 : kEnd-1])
			}
			if !plainName(name) || foldsToOneOf(name, fields) {
				return false
			}
		}
		if n == len(seen) {
			return false
		}
		for _, s := range seen[:n] {
			if s == name {
				return false
			}
		}
		seen[n] = name
		n++
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		end := skipValue(b, i)
		if end <= i || end > len(b) || !fn(name, b[i:end]) {
			return false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
	return false
}

// fieldNamed returns the one of fields that the member name raw is,
// that string itself: nothing is copied or looked up for the names of
// the fields, which are almost all the names of a plan (ten or so in
// every entry, configuration resource and expression).
func fieldNamed(raw []byte, fields []string) (string, bool) {
	for _, f := range fields {
		if string(raw) == f {
			return f, true
		}
	}
	return "", false
}

// foldsToOneOf reports whether name matches one of fields without
// regard to case (exact matches are found by fieldNamed).
func foldsToOneOf(name string, fields []string) bool {
	for _, f := range fields {
		if len(f) == len(name) && bytes.EqualFold([]byte(f), []byte(name)) {
			return true
		}
	}
	return false
}

// modeField is stringField for a resource's mode.
func modeField(dst *tfjson.ResourceMode, v []byte, p *valueParser) bool {
	var s string
	ok := stringField(&s, v, p)
	*dst = tfjson.ResourceMode(s)
	return ok
}

// stringField decodes the JSON string v into dst as encoding/json does
// (null leaves dst as it is); anything else is false. With p, the string
// is interned (names that repeat across entries).
func stringField(dst *string, v []byte, p *valueParser) bool {
	switch v[0] {
	case 'n':
		return true
	case '"':
		body := v[1 : len(v)-1]
		if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
			if p != nil {
				*dst = p.intern(body)
			} else {
				*dst = string(body)
			}
			return true
		}
		return json.Unmarshal(v, dst) == nil
	}
	return false
}

// actionsField decodes the actions array: strings only (encoding/json
// decodes a null element as "", which is left to it); null leaves it nil.
func actionsField(dst *tfjson.Actions, v []byte, p *valueParser) bool {
	switch v[0] {
	case 'n':
		return true
	case '[':
	default:
		return false
	}
	out := tfjson.Actions{}
	i := skipSpace(v, 1)
	for i < len(v) && v[i] != ']' {
		if v[i] != '"' {
			return false
		}
		end := skipString(v, i)
		var s string
		if !stringField(&s, v[i:end], p) {
			return false
		}
		out = append(out, tfjson.Action(s))
		i = skipSpace(v, end)
		if i < len(v) && v[i] == ',' {
			i = skipSpace(v, i+1)
		}
	}
	*dst = out
	return true
}
