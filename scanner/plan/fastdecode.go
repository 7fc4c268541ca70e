package plan

import (
	"encoding/json"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stackgate/stackgate/internal/parallel"
)

// fastDoc is the plan as decode reads it on the common path: with
// encoding/json.Unmarshal over the input in place (a json.Decoder would
// copy the whole input into its buffer first), values decoded by
// valueParser (numbers as with UseNumber and normalize, repeated keys and
// short strings shared), and the members the loader never reads
// (planned_values, prior_state, output_changes, relevant_attributes,
// checks, deferred changes) checked for their kind but not decoded: on a
// plan of many resources, planned_values and prior_state alone are about
// half the input and several times that as decoded trees.
//
// The members that hold almost all of the work, configuration and the
// entries of resource_changes and resource_drift, are kept as slices of
// the input by that first pass and decoded afterwards, each entry on its
// own, on every core (decodeRest).
type fastDoc struct {
	rawPlan
	Errored         bool                `json:"errored"`
	Variables       map[string]*fastVar `json:"variables,omitempty"`
	ResourceDrift   rawList             `json:"resource_drift,omitempty"`
	ResourceChanges rawList             `json:"resource_changes,omitempty"`
	Configuration   rawValue            `json:"configuration,omitempty"`
	PlannedValues   skipped             `json:"planned_values,omitempty"`
	PriorState      skipped             `json:"prior_state,omitempty"`
	OutputChanges   skipped             `json:"output_changes,omitempty"`
	Relevant        skipped             `json:"relevant_attributes,omitempty"`
	Checks          skipped             `json:"checks,omitempty"`
	DeferredChanges skipped             `json:"deferred_changes,omitempty"`

	// What decodeRest decodes from the members kept as text.
	changes, drift []*tfjson.ResourceChange
	config         *tfjson.Config
}

type fastVar struct {
	Value value `json:"value,omitempty"`
}

type fastChangeEntry struct {
	tfjson.ResourceChange
	Change *fastChange `json:"change,omitempty"`
}

type fastChange struct {
	tfjson.Change
	Before          value    `json:"before"`
	After           value    `json:"after,omitempty"`
	AfterUnknown    rawValue `json:"after_unknown,omitempty"`
	BeforeSensitive rawValue `json:"before_sensitive,omitempty"`
	AfterSensitive  rawValue `json:"after_sensitive,omitempty"`
	ReplacePaths    value    `json:"replace_paths,omitempty"`
	BeforeIdentity  skipped  `json:"before_identity,omitempty"`
	AfterIdentity   skipped  `json:"after_identity,omitempty"`
}

// skipped is a member that is not decoded; it records whether it is
// present and not null. Anything but an object, an array or null is an
// error, so that decode falls back to the full decoder and reports the
// same type error it always did.
type skipped bool

var errKind = errors.New("unexpected kind")

func (s *skipped) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case 'n':
		*s = false
		return nil
	case '{', '[':
		*s = true
		return nil
	}
	return errKind
}

// value is a JSON value decoded by a valueParser: encoding/json keeps its
// text (a slice of the input), which decodeRest parses on the core that
// decodes the entry holding it.
type value struct {
	v   any
	raw []byte
}

func (v *value) UnmarshalJSON(b []byte) error {
	v.raw = b
	return nil
}

// parse decodes the kept text with p.
func (v *value) parse(p *valueParser) {
	if v.raw != nil {
		v.v, _ = p.parse(v.raw, 0)
		v.raw = nil
	}
}

// rawList is an array member kept as its text, or nil for null; anything
// else is an error (the full decoder reports it).
type rawList []byte

func (r *rawList) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case 'n':
		*r = nil
		return nil
	case '[':
		*r = b
		return nil
	}
	return errKind
}

// elements splits the text of a JSON array into its elements (see
// splitArray); ok is false when it is not one.
func (r rawList) elements() ([][]byte, bool) {
	if r == nil {
		return nil, true
	}
	return splitArray(r)
}

// rawValue is a JSON value kept as its text, a slice of the input, and
// decoded only when read: the skeletons (after_unknown, after_sensitive,
// before_sensitive) of a plan of many resources decode to about as much
// memory as the values themselves, and each is read once, by flagged,
// while its resource is built.
type rawValue []byte

func (r *rawValue) UnmarshalJSON(b []byte) error {
	if b[0] == 'n' { // null
		*r = nil
		return nil
	}
	// encoding/json passes a slice of the input, which the loader keeps
	// unchanged (it is the plan's source for excerpts).
	*r = b
	return nil
}

// value returns the undecoded value as skeleton, or nil.
func (r rawValue) value() any {
	if r == nil {
		return nil
	}
	return skeleton(r)
}

// skeleton is the text of a skeleton value that flagged decodes.
type skeleton []byte

// decodeSkeleton decodes a skeleton's text as the decoder decodes values
// (without interning: the keys are read once).
func decodeSkeleton(s skeleton) any {
	p := &valueParser{}
	v, _ := p.parse(s, 0)
	return v
}

// fastDecode decodes src with encoding/json's first pass, for a plan
// splitPlan declines; an error means the caller decodes it again with the
// full decoder, for the error it has always reported.
func fastDecode(src []byte) (*fastDoc, error) {
	doc := &fastDoc{}
	if err := json.Unmarshal(src, doc); err != nil {
		return nil, err
	}
	if err := doc.decodeRest(); err != nil {
		return nil, err
	}
	return doc, nil
}

// entriesPerTask is how many resource change entries one task decodes.
const entriesPerTask = 64

// decodeRest decodes what the first pass kept as text: the configuration
// (terraform-json's own decoder) beside the entries of resource_changes
// and resource_drift, in tasks of entriesPerTask entries on every core.
// Each entry is decoded by encoding/json exactly as it is inside the
// array, so what fails here fails there. A parser (with its interned
// strings) serves one task at a time, one per core.
func (d *fastDoc) decodeRest() error {
	changes, ok := d.ResourceChanges.elements()
	if !ok {
		return errKind
	}
	drift, ok := d.ResourceDrift.elements()
	if !ok {
		return errKind
	}
	d.ResourceChanges, d.ResourceDrift = nil, nil
	if changes != nil {
		d.changes = make([]*tfjson.ResourceChange, len(changes))
	}
	if drift != nil {
		d.drift = make([]*tfjson.ResourceChange, len(drift))
	}
	var cfgErr error
	var wg sync.WaitGroup
	if d.Configuration != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.config, cfgErr = decodeConfig(d.Configuration)
		}()
	}
	workers := runtime.GOMAXPROCS(0)
	parsers := make(chan *valueParser, workers)
	for range workers {
		parsers <- newValueParser()
	}
	nc := (len(changes) + entriesPerTask - 1) / entriesPerTask
	nd := (len(drift) + entriesPerTask - 1) / entriesPerTask
	errs := make([]error, nc+nd)
	parallel.For(nc+nd, workers, func(t int) {
		// task t's error goes in errs[t]: the drift's tasks after the
		// changes', so the first error is the document's first
		elems, out, first := changes, d.changes, t*entriesPerTask
		if t >= nc {
			elems, out, first = drift, d.drift, (t-nc)*entriesPerTask
		}
		p := <-parsers
		defer func() { parsers <- p }()
		for i := first; i < min(len(elems), first+entriesPerTask); i++ {
			e, ok := decodeEntry(elems[i], p)
			if !ok {
				e = nil // decoded afresh, not over what decodeEntry left
				if err := json.Unmarshal(elems[i], &e); err != nil {
					errs[t] = err
					return
				}
			}
			if e != nil && e.Change != nil {
				e.Change.Before.parse(p)
				e.Change.After.parse(p)
				e.Change.ReplacePaths.parse(p)
			}
			out[i] = e.resourceChange()
		}
	})
	wg.Wait()
	if cfgErr != nil {
		return cfgErr
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	p := <-parsers
	for _, v := range d.Variables {
		if v != nil {
			v.Value.parse(p)
		}
	}
	return nil
}

// plan converts the decoded document to the tfjson.Plan the builder
// reads; the values it holds are those of the document, not copies.
func (d *fastDoc) plan() *tfjson.Plan {
	p := (*tfjson.Plan)(&d.rawPlan)
	if d.Variables != nil {
		p.Variables = make(map[string]*tfjson.PlanVariable, len(d.Variables))
		for k, v := range d.Variables {
			if v == nil {
				p.Variables[k] = nil
				continue
			}
			p.Variables[k] = &tfjson.PlanVariable{Value: v.Value.v}
		}
	}
	p.Config = d.config
	p.ResourceChanges, p.ResourceDrift = d.changes, d.drift
	if d.PlannedValues {
		p.PlannedValues = &tfjson.StateValues{}
	}
	return p
}

// resourceChange converts a decoded entry (nil for null) to the
// tfjson.ResourceChange the builder reads, with the entry's values, not
// copies. It is made on the core that decoded the entry, beside the
// others, rather than for every entry in turn once all are decoded.
func (e *fastChangeEntry) resourceChange() *tfjson.ResourceChange {
	if e == nil {
		return nil
	}
	rc := e.ResourceChange
	if e.Change != nil {
		c := e.Change.Change
		c.Before, c.After = e.Change.Before.v, e.Change.After.v
		c.AfterUnknown = e.Change.AfterUnknown.value()
		c.BeforeSensitive, c.AfterSensitive = e.Change.BeforeSensitive.value(), e.Change.AfterSensitive.value()
		if l, ok := e.Change.ReplacePaths.v.([]any); ok {
			c.ReplacePaths = l
		}
		rc.Change = &c
	}
	return &rc
}

// valueParser decodes JSON values that encoding/json has already
// validated, into the model's value types: objects map[string]any, arrays
// []any, numbers as normalize makes them (int64 when integral and in
// range, else float64, else the number's text), strings, bools and nil.
// Object keys and short strings are interned: a plan repeats the same
// attribute names and values thousands of times.
type valueParser struct {
	strs map[string]string
	// floats makes numbers float64, as encoding/json decodes them into
	// an interface{} (a configuration's constant values); badNumber is
	// then set by one that is out of float64's range, which encoding/json
	// rejects.
	floats, badNumber bool
}

// Interning bounds: strings up to maxIntern bytes, at most internCap of
// them (hostile input with only unique strings cannot grow the table
// without limit).
const (
	maxIntern = 64
	internCap = 1 << 16
)

func newValueParser() *valueParser {
	return &valueParser{strs: make(map[string]string, 1024)}
}

func (p *valueParser) intern(b []byte) string {
	if len(b) > maxIntern || p.strs == nil {
		return string(b)
	}
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.strs) < internCap {
		p.strs[s] = s
	}
	return s
}

// parse decodes the value at b[i:] (after spaces) and returns it with the
// offset after it.
func (p *valueParser) parse(b []byte, i int) (any, int) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return nil, i
	}
	switch c := b[i]; c {
	case '{':
		m := map[string]any{}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			return m, i + 1
		}
		for i < len(b) {
			i = skipSpace(b, i)
			end := skipString(b, i)
			k := p.str(b[i:end])
			i = skipSpace(b, end) + 1 // ':'
			var v any
			v, i = p.parse(b, i)
			m[k] = v
			i = skipSpace(b, i)
			if i < len(b) && b[i] == ',' {
				i++
				continue
			}
			return m, i + 1 // '}'
		}
		return m, i
	case '[':
		l := []any{}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return l, i + 1
		}
		for i < len(b) {
			var v any
			v, i = p.parse(b, i)
			l = append(l, v)
			i = skipSpace(b, i)
			if i < len(b) && b[i] == ',' {
				i++
				continue
			}
			return l, i + 1 // ']'
		}
		return l, i
	case '"':
		end := skipString(b, i)
		return p.str(b[i:end]), end
	case 't':
		return true, i + 4
	case 'f':
		return false, i + 5
	case 'n':
		return nil, i + 4
	}
	end := skipValue(b, i)
	if p.floats {
		f, err := strconv.ParseFloat(string(b[i:end]), 64)
		p.badNumber = p.badNumber || err != nil
		return f, end
	}
	return normalize(json.Number(b[i:end])), end
}

// str decodes a quoted JSON string exactly as encoding/json does (escapes,
// invalid UTF-8 replaced by U+FFFD), taking the fast way when there is
// nothing to decode.
func (p *valueParser) str(q []byte) string {
	body := q[1 : len(q)-1]
	plain := true
	for _, c := range body {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain || (utf8.Valid(body) && !containsByte(body, '\\')) {
		return p.intern(body)
	}
	var s string
	if json.Unmarshal(q, &s) != nil {
		return string(body)
	}
	return p.intern([]byte(s))
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}
