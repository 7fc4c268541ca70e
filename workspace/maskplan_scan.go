package workspace

import (
	"bytes"
	"encoding/json"
)

// planSecrets collects what maskPlanDecoded collects, decoding only the
// parts of the plan that can hold a sensitive value, and of those only the
// values whose flags hold true: a plan repeats every value several times
// (change, planned values, configuration), and decoding it whole into maps
// to show one excerpt took seconds for tens of thousands of changes. ok is
// false for a plan of a shape it does not expect; the caller then decodes
// it whole.
func planSecrets(src []byte) (secrets map[string]bool, ok bool) {
	var p struct {
		ResourceChanges []struct{ Change planChange }  `json:"resource_changes"`
		ResourceDrift   []struct{ Change planChange }  `json:"resource_drift"`
		OutputChanges   map[string]planChange          `json:"output_changes"`
		PlannedValues   *stateValues                   `json:"planned_values"`
		PriorState      *stateValues                   `json:"prior_state"`
		Variables       map[string]struct{ Value any } `json:"variables"`
		Configuration   struct {
			RootModule struct {
				Variables map[string]struct{ Sensitive any } `json:"variables"`
			} `json:"root_module"`
		} `json:"configuration"`
	}
	if err := decode(src, &p); err != nil {
		return nil, false
	}
	secrets = map[string]bool{}
	ok = true
	flagged := func(value, flags json.RawMessage, inside bool) {
		// A flag is the token true: flags without those four bytes flag
		// nothing, and the value is not read. (The bytes inside a key
		// or a string only cost a decode that finds nothing.)
		if !inside && !bytes.Contains(flags, trueToken) {
			return
		}
		var v, f any
		if decode(value, &v) != nil || (!inside && decode(flags, &f) != nil) {
			ok = false
			return
		}
		collectFlagged(v, f, inside, secrets)
	}
	changes := append(p.ResourceChanges, p.ResourceDrift...)
	for _, rc := range changes {
		rc.Change.collect(flagged)
	}
	for _, oc := range p.OutputChanges {
		oc.collect(flagged)
	}
	for _, st := range []*stateValues{p.PlannedValues, p.PriorState} {
		if st != nil {
			st.collect(flagged)
			if st.Values != nil {
				st.Values.collect(flagged)
			}
		}
	}
	for name, decl := range p.Configuration.RootModule.Variables {
		if s, _ := decl.Sensitive.(bool); s {
			collectFlagged(p.Variables[name].Value, true, false, secrets)
		}
	}
	return secrets, ok
}

var trueToken = []byte("true")

// decode decodes JSON; empty input is nothing, not an error. Numbers
// become float64, unlike maskPlanDecoded's: only strings are secrets.
// (json.Unmarshal, not a Decoder: a Decoder reads the whole plan into a
// buffer it grows by copying, most of the cost for a large plan.)
func decode(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}

// planChange is a change of a resource or output, its values left encoded.
type planChange struct {
	After           json.RawMessage `json:"after"`
	Before          json.RawMessage `json:"before"`
	AfterSensitive  json.RawMessage `json:"after_sensitive"`
	BeforeSensitive json.RawMessage `json:"before_sensitive"`
}

func (c planChange) collect(flagged func(value, flags json.RawMessage, inside bool)) {
	flagged(c.After, c.AfterSensitive, false)
	flagged(c.Before, c.BeforeSensitive, false)
}

// stateValues is planned_values or prior_state (whose values are one level
// down, in values), in either form collectModule reads: with a root_module,
// or a module itself.
type stateValues struct {
	RootModule *stateModule `json:"root_module"`
	stateModule
	Outputs map[string]struct {
		Sensitive any
		Value     json.RawMessage
	} `json:"outputs"`
	Values *stateValues `json:"values"`
}

type stateModule struct {
	Resources []struct {
		Values          json.RawMessage `json:"values"`
		SensitiveValues json.RawMessage `json:"sensitive_values"`
	} `json:"resources"`
	ChildModules []stateModule `json:"child_modules"`
}

func (s *stateValues) collect(flagged func(value, flags json.RawMessage, inside bool)) {
	root := s.RootModule
	if root == nil {
		root = &s.stateModule
	}
	root.collect(flagged)
	for _, o := range s.Outputs {
		if b, _ := o.Sensitive.(bool); b {
			flagged(o.Value, nil, true)
		}
	}
}

func (m *stateModule) collect(flagged func(value, flags json.RawMessage, inside bool)) {
	for _, r := range m.Resources {
		flagged(r.Values, r.SensitiveValues, false)
	}
	for i := range m.ChildModules {
		m.ChildModules[i].collect(flagged)
	}
}
