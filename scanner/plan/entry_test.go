package plan

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestDecodeEntry: decodeEntry decodes what json.Unmarshal decodes, and
// declines (ok false) only what it is not sure of; on every entry of
// every fixture it decodes.
func TestDecodeEntry(t *testing.T) {
	var entries []string
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		var doc struct{ ResourceChanges, ResourceDrift []json.RawMessage }
		if err := json.Unmarshal(src, &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range append(doc.ResourceChanges, doc.ResourceDrift...) {
			if _, ok := decodeEntry(e, newValueParser()); !ok {
				t.Errorf("%s: entry not decoded: %.80s", name, e)
			}
			entries = append(entries, string(e))
		}
	}
	c := `"change":{"actions":["create"],"before":null,"after":{"a":1},"after_unknown":{"id":true},"after_sensitive":false}`
	for _, e := range []string{
		`null`, `{}`, `{"address":"a.b","type":"t","name":"n","mode":"managed",` + c + `}`,
		`{"address":"a.b","change":null}`, `{"address":null,"change":{}}`, `{"change":{"actions":null}}`, `{"change":{"actions":[]}}`,
		`{"change":{"actions":[null]}}`, `{"change":{"actions":["a", "b" ]}}`, `{"change":{"actions":"create"}}`, `{"change":[]}`,
		`{"address":"caf\u00e9\n","name":"` + "\xff\xfe" + `","type":"x\"y","mode":"` + "caf\u00e9" + `"}`, `{"address":1}`, `{"Address":"a.b"}`, `{"ADDRESS":"a.b","address":"c"}`,
		`{"address":"a","address":"b"}`, `{"addr\u0065ss":"a"}`, `{"unknown":{"x":[1]},"address":"a"}`, `{"index":0}`, `{"index":"k"}`,
		`{"index":1.5e3}`, `{"index":{"x":1}}`, `{"deposed":"00ab","action_reason":"replace_because_tainted"}`,
		`{"change":{"importing":{"id":"i-1"},"generated_config":"x = 1","replace_paths":[["a",0]]}}`, `{"change":{"importing":5}}`,
		`{"change":{"before_identity":{"id":1},"after_identity":null}}`, `{"change":{"before_identity":5}}`, `{"change":{"Before":1}}`,
		`{"change":{"before":1,"before":2}}`, `{"change":{"after_unknown":null,"before_sensitive":[true]}}`, ` { "address" : "a" , "change" : { "actions" : [ "create" ] } } `,
		`5`, `"x"`, `[]`, `{"previous_address":"a","module_address":"module.m","provider_name":"p"}`, `{"mode":5}`,
	} {
		entries = append(entries, e)
	}
	for _, e := range entries {
		var want *fastChangeEntry
		werr := json.Unmarshal([]byte(e), &want)
		got, ok := decodeEntry([]byte(trimSpace(e)), newValueParser())
		if !ok {
			t.Logf("declined %.60s", e)
			continue // json.Unmarshal decodes it
		}
		if werr != nil {
			t.Errorf("%s: decoded, json.Unmarshal: %v", e, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoded as %+v, json.Unmarshal %+v", e, got, want)
		}
	}
}

func trimSpace(s string) string {
	b := []byte(s)
	i := skipSpace(b, 0)
	j := len(b)
	for j > i && (b[j-1] == ' ' || b[j-1] == '\n') {
		j--
	}
	return string(b[i:j])
}
