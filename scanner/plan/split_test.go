package plan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// validSeeds are JSON texts, valid and not, that validValue must judge as
// encoding/json does.
var validSeeds = []string{
	`{}`, `[]`, `{"a":1}`, `[1,2,3]`, `"x"`, `true`, `false`, `null`, `0`, `-0`, `1.5e+3`, `-12.0E-1`,
	`01`, `1.`, `.5`, `-`, `1e`, `1e+`, `+1`, `tru`, `nul`, `falsey`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`,
	`[1 2]`, `{"a":1 "b":2}`, `"\u12"`, `"\u12g4"`, `"\x"`, `"a\"b"`, `"a\\"`, "\"a\tb\"", "\"\x01\"", "\"\xff\xfe\"",
	`"\/\b\f\n\r\t\u00e9"`, ` [ 1 , { "a" : [ ] } ] `, `[`, `{`, `"`, `{"a":`, `[{"a":[{"b":{}}]}]`, `1 2`, `[]]`,
	`{"a":1}}`, `{"\u0061":true}`, "[\"\x7f\"]", `[-01]`, `[-a]`, `[1.e5]`, `[1e05]`, `[0e0]`,
}

// TestValidValue: validValue accepts exactly the texts json.Valid does
// (a whole text: one value with spaces around it), on the seeds, the
// fixtures and every one-byte truncation and corruption of a small plan.
func TestValidValue(t *testing.T) {
	inputs := append([]string(nil), validSeeds...)
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		inputs = append(inputs, string(src))
	}
	small := `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"before":null,"after":{"n":-1.5e3,"s":"x\u00e9\n","l":[true,false,null,{}]}}}]}`
	for i := range small {
		inputs = append(inputs, small[:i])
		for _, c := range []byte("\"\\{}[],:0-.eEtn \x01x") {
			b := []byte(small)
			b[i] = c
			inputs = append(inputs, string(b))
		}
	}
	for _, in := range inputs {
		if got, want := wholeValid([]byte(in)), json.Valid([]byte(in)); got != want {
			t.Errorf("validValue(%q) = %v, json.Valid %v", in, got, want)
		}
	}
}

func wholeValid(b []byte) bool {
	i := skipSpace(b, 0)
	end, ok := validValue(b, i)
	return ok && skipSpace(b, end) == len(b)
}

func FuzzValidValue(f *testing.F) {
	for _, s := range validSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, deep := tooDeep(b, MaxDepth); deep {
			return
		}
		if got, want := wholeValid(b), json.Valid(b); got != want {
			t.Fatalf("validValue(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}

// TestSplitPlan: the first pass takes the quick way on real plans and
// gives what encoding/json gives; what it is not sure of goes to
// encoding/json, and either way Load is what the full decoder loads.
func TestSplitPlan(t *testing.T) {
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		doc, ok := splitPlan(src)
		if !ok {
			t.Errorf("%s: not split", name)
			continue
		}
		var want fastDoc
		if err := json.Unmarshal(src, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(doc.rawPlan, want.rawPlan) || doc.Errored != want.Errored || !reflect.DeepEqual(doc.Variables, want.Variables) ||
			string(doc.ResourceChanges) != string(want.ResourceChanges) || string(doc.ResourceDrift) != string(want.ResourceDrift) ||
			string(doc.Configuration) != string(want.Configuration) || doc.PlannedValues != want.PlannedValues || doc.PriorState != want.PriorState {
			t.Errorf("%s: first pass differs from encoding/json's", name)
		}
	}
	entry := `{"address":"a.b","type":"a","name":"b","mode":"managed","change":{"actions":["create"],"before":null,"after":{"x":1}}}`
	for _, tc := range []struct {
		src   string
		split bool
	}{
		{`{"format_version":"1.2","resource_changes":[` + entry + `]}`, true},
		{`{"format_version":"1.2","resource_changes":[` + entry + `],"unknown_member":{"x":[1,2]},"timestamp":"t"}`, true},
		{`{"format_version":"1.2","Resource_Changes":[` + entry + `]}`, false},
		{`{"FORMAT_VERSION":"1.2","resource_changes":[` + entry + `]}`, false},
		{`{"format_version":"1.2","resource_changes":[],"resource_changes":[` + entry + `]}`, false},
		{`{"format_version":"1.2","resource_chang\u0065s":[` + entry + `]}`, false},
		{`{"format_version":"1.2","resource_changes":[` + entry + `]} x`, false},
		{`{"format_version":"1.2","resource_changes":[` + entry + ` ` + entry + `]}`, false},
		{`{"format_version":"1.2","resource_changes":[` + entry + `,]}`, false},
		{`{"format_version":"1.2","resource_changes":null,"configuration":null,"planned_values":{}}`, true},
		{`{"format_version":"1.2","resource_changes":[` + entry + `],"planned_values":"x"}`, false},
		{`{"format_version":"1.2","resource_changes":5}`, false},
		{`{"format_version":"1.2","resource_changes":[` + entry + `],"prior_state":{"values":[}}`, false},
		{`{"format_version":"1.2","errored":true,"resource_changes":[` + entry + `]}`, true},
		{`{"format_version":"1.2","configuration":{"root_module":{"resources":[{"address":"a.b","expressions":{"x":{"constant_value":1}}}]}},"resource_changes":[` + entry + `]}`, true},
		{` {} `, true},
		{`{"format_version":"1.2","planned_values":` + strings.Repeat(`{"a":`, MaxDepth-2) + `[]` + strings.Repeat("}", MaxDepth-2) + `}`, true},
		{`{"format_version":"1.2","planned_values":` + strings.Repeat(`{"a":`, MaxDepth-1) + `[]` + strings.Repeat("}", MaxDepth-1) + `}`, false},
		{`{"format_version":"1.2","configuration":{"root_module":` + strings.Repeat(`{"a":`, MaxDepth) + `1` + strings.Repeat("}", MaxDepth) + `}}`, false},
	} {
		_, ok := splitPlan([]byte(tc.src))
		if ok != tc.split {
			t.Errorf("splitPlan(%s): %v, want %v", tc.src, ok, tc.split)
		}
		fast, ferr := Load("p.json", []byte(tc.src))
		slowDecodeOnly = true
		slow, serr := Load("p.json", []byte(tc.src))
		slowDecodeOnly = false
		if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
			t.Errorf("%s: error %v, full decoder %v", tc.src, ferr, serr)
			continue
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: loads differently from the full decoder", tc.src)
		}
	}
}

// TestFlaggedText: flagged lists the same paths from a skeleton's text
// as from its decoded value, and flaggedText declines only what the
// decoder may read otherwise.
func TestFlaggedText(t *testing.T) {
	skels := []string{
		`true`, `false`, `null`, `{}`, `[]`, `{"a":true}`, `{"a":false,"b":[true,false,{"c":true}],"d":{"e":{"f":true}}}`,
		`[true,[true,[true]]]`, `{"":true,"x":{"":true}}`, `{"":{"y":true}}`, `{"a":1,"b":"true","c":null,"d":[1,"x",true]}`,
		` { "a" : [ true , false ] , "b" : true } `, `{"caf` + "\u00e9" + `":true}`, `{"a":true,"a":false}`, `{"a\u0062":true}`,
		`{"` + "\xff" + `":true}`, `[{"a":[{},{"b":true}]},true]`,
	}
	for _, name := range fixtures {
		_, src := readFixture(t, name)
		var doc struct {
			ResourceChanges []struct {
				Change struct{ AfterUnknown, AfterSensitive, BeforeSensitive json.RawMessage }
			} `json:"resource_changes"`
		}
		if err := json.Unmarshal(src, &doc); err != nil {
			t.Fatal(err)
		}
		for _, rc := range doc.ResourceChanges {
			for _, s := range []json.RawMessage{rc.Change.AfterUnknown, rc.Change.AfterSensitive, rc.Change.BeforeSensitive} {
				if s != nil {
					if _, ok := flaggedText(s); !ok {
						t.Errorf("%s: skeleton not walked: %.80s", name, s)
					}
					skels = append(skels, string(s))
				}
			}
		}
	}
	for _, s := range skels {
		got := flagged(skeleton(s))
		want := flagged(decodeSkeleton(skeleton(s)))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: flagged %q, from the decoded value %q", s, got, want)
		}
	}
}

// FuzzFastDecodeSame: whatever the input, the quick decoding loads what
// the full decoder loads, or fails with the same error.
func FuzzFastDecodeSame(f *testing.F) {
	for _, name := range fixtures {
		_, src := readFixture(f, name)
		f.Add(src)
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","mode":"managed","change":{"actions":["update"],"before":{"x":1},"after":{"x":2,"t":{"k":"v"}},"after_unknown":{"id":true,"l":[false,true]},"after_sensitive":{"p":true}}}],"configuration":{"root_module":{"resources":[{"address":"a.b","mode":"managed","type":"a","name":"b","expressions":{"x":{"references":["var.v"]},"blk":[{"y":{"constant_value":1}}]}}]}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fast, ferr := Load("p.json", src)
		slowDecodeOnly = true
		slow, serr := Load("p.json", src)
		slowDecodeOnly = false
		if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
			t.Fatalf("error %v, full decoder %v", ferr, serr)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("loads differently from the full decoder")
		}
	})
}
