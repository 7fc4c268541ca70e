package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// Limits on hostile input. Real plans of large estates are tens of MiB and
// nest a few dozen levels (resource attributes inside blocks inside
// configuration); these bounds are far above that and keep memory and time
// bounded. Depth matters beyond the stack: terraform-json re-decodes every
// level of a nested configuration block, which is quadratic in the depth.
//
// MaxSize is the largest plan JSON loaded, 256 MiB: about 140,000
// resource changes as terraform show -json writes them (1.8 KB each,
// compact). Loading one holds, at its peak, about 7 times its size in
// memory (BenchmarkLoadLarge); a larger plan is refused before it is
// read (ReadFile) or decoded (Load), with an error that names the file,
// its size and the limit. There is no flag to raise it.
const (
	MaxSize  = 256 << 20
	MaxDepth = 256
)

// tooLarge is the error for a plan over MaxSize.
func tooLarge(file string, size int64) error {
	return model.Errorf(file, 0, 0, "plan JSON is %d bytes (%.1f MiB), more than the limit of %d MiB; stackgate does not load plans that large (split the configuration into smaller root modules, or plan with -target)", size, float64(size)/(1<<20), MaxSize>>20)
}

// ReadFile reads a plan file for Load, refusing one larger than MaxSize
// before reading it: a file that cannot be loaded is never held in memory.
// The size error is a *model.Error; others are the file system's.
func ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A regular file is read into a buffer of its size; anything else
	// (a pipe: stackgate plan <(terraform show -json tfplan)) grows one.
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		if st.Size() > MaxSize {
			return nil, tooLarge(name, st.Size())
		}
		size = st.Size()
	}
	src, err := vfs.ReadAllSized(io.LimitReader(f, MaxSize+1), size, MaxSize)
	if err != nil {
		return nil, err
	}
	if len(src) > MaxSize {
		return nil, tooLarge(name, int64(len(src)))
	}
	return src, nil
}

// rawPlan is tfjson.Plan without its UnmarshalJSON, so the decoder options
// (UseNumber) apply and the format version is checked here, with a message
// that says what to do.
type rawPlan tfjson.Plan

// rawDoc adds the top-level fields of Terraform 1.8+ that tfjson does not
// know (yet) to rawPlan; they decode in the same pass.
type rawDoc struct {
	rawPlan
	// Errored is true when planning failed part-way: the plan is
	// incomplete and must not be checked as if it were the whole change.
	Errored bool `json:"errored"`
}

// slowDecodeOnly makes decode use the full decoder only (tests compare
// the two).
var slowDecodeOnly = false

// decode checks the limits, decodes src strictly and validates the format
// version. Errors are *model.Error with the line and column where known.
func decode(x *lineIndex) (*tfjson.Plan, error) {
	src := x.src
	if len(src) > MaxSize {
		return nil, tooLarge(x.file, int64(len(src)))
	}
	// A plan the quick first pass reads (an object of valid JSON nested
	// no deeper than MaxDepth) passes the checks below: they are only
	// made when it does not.
	var doc *fastDoc
	split := false
	if !slowDecodeOnly {
		doc, split = splitPlan(src)
	}
	if !split {
		if off, ok := tooDeep(src, MaxDepth); ok {
			p := x.pos(off)
			return nil, model.Errorf(x.file, p.Line, p.Column, "plan JSON nests deeper than %d levels; no Terraform plan does", MaxDepth)
		}
		first := firstNonSpace(src)
		if first < 0 {
			return nil, model.Errorf(x.file, 0, 0, "plan JSON is empty")
		}
		if src[first] != '{' {
			p := x.pos(first)
			return nil, model.Errorf(x.file, p.Line, p.Column, "not a Terraform plan: expected a JSON object (the output of terraform show -json PLANFILE)")
		}
	}
	if !slowDecodeOnly {
		var err error
		if split {
			err = doc.decodeRest()
		} else {
			doc, err = fastDecode(src)
		}
		if err != nil {
			doc = nil
		}
	}
	var plan *tfjson.Plan
	var errored bool
	if doc != nil {
		plan, errored = doc.plan(), doc.Errored
	} else {
		// Decode again the way that reports errors with their place.
		dec := json.NewDecoder(bytes.NewReader(src))
		dec.UseNumber()
		var doc rawDoc
		if err := dec.Decode(&doc); err != nil {
			return nil, decodeError(x, err)
		}
		if rest := firstNonSpace(src[dec.InputOffset():]); rest >= 0 {
			p := x.pos(int(dec.InputOffset()) + rest)
			return nil, model.Errorf(x.file, p.Line, p.Column, "unexpected data after the plan's JSON object")
		}
		plan, errored = (*tfjson.Plan)(&doc.rawPlan), doc.Errored
	}
	if errored {
		return nil, model.Errorf(x.file, 0, 0, "the plan is incomplete: terraform plan failed part-way (\"errored\": true), so it does not hold every change; fix the errors terraform plan reported and run it again")
	}
	if err := checkVersion(x.file, plan); err != nil {
		return nil, err
	}
	if plan.PlannedValues == nil && len(plan.ResourceChanges) == 0 && plan.Config == nil {
		return nil, model.Errorf(x.file, 0, 0, "not a Terraform plan: no planned_values, resource_changes or configuration (a state file? use terraform show -json PLANFILE)")
	}
	return plan, nil
}

// checkVersion rejects format versions this package does not understand:
// a new major version may change the meaning of fields it reads.
func checkVersion(file string, p *tfjson.Plan) error {
	v := p.FormatVersion
	if v == "" {
		return model.Errorf(file, 0, 0, "not a Terraform plan: format_version is missing (the output of terraform show -json PLANFILE has it)")
	}
	major, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(major); err != nil || n < 0 {
		return model.Errorf(file, 0, 0, "invalid plan: format_version %q is not a version number", v)
	}
	if major != "0" && major != "1" {
		return model.Errorf(file, 0, 0, "unsupported plan format_version %q: stackgate reads plan format 0.x and 1.x (Terraform 0.12 to 1.x); upgrade stackgate", v)
	}
	if err := p.Validate(); err != nil {
		return model.Errorf(file, 0, 0, "invalid plan: %v", err)
	}
	return nil
}

// decodeError turns an encoding/json error into a *model.Error with the
// position of the problem. Messages never quote values from the input
// beyond a single offending character: a plan holds secrets.
func decodeError(x *lineIndex, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		p := x.pos(int(se.Offset) - 1)
		return model.Errorf(x.file, p.Line, p.Column, "invalid JSON: %s", se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		p := x.pos(len(x.src))
		return model.Errorf(x.file, p.Line, p.Column, "invalid JSON: the file ends in the middle of a value (truncated?)")
	case errors.As(err, &te):
		found, _, _ := strings.Cut(te.Value, " ")
		what := fmt.Sprintf("unexpected %s", found)
		if te.Field != "" {
			what = fmt.Sprintf("%s: expected %s, found %s", te.Field, kindOf(te.Type.String()), found)
		}
		// Offsets are exact for fields of the plan itself; inside types
		// that decode themselves (configuration, prior_state) they are
		// relative to that value, so no position is given there.
		if top, _, _ := strings.Cut(te.Field, "."); top == "configuration" || top == "prior_state" {
			return model.Errorf(x.file, 0, 0, "invalid plan: %s", what)
		}
		p := x.pos(int(te.Offset) - 1)
		return model.Errorf(x.file, p.Line, p.Column, "invalid plan: %s", what)
	}
	// Errors of terraform-json's own decoders (expressions, state) carry
	// no position; they say what is wrong.
	return model.Errorf(x.file, 0, 0, "invalid plan: %v", err)
}

func kindOf(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["), strings.Contains(goType, "."), strings.HasPrefix(goType, "*"):
		return "an object"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	}
	return "a " + goType
}

func firstNonSpace(b []byte) int {
	for i, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return i
		}
	}
	return -1
}

// tooDeep reports the offset of the first bracket that opens a level
// deeper than limit, ignoring brackets in strings. It is one pass over the
// bytes, cheaper than any decode, and runs before them.
func tooDeep(src []byte, limit int) (int, bool) {
	depth, inStr, esc := 0, false, false
	for i, c := range src {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > limit {
				return i, true
			}
		case '}', ']':
			depth--
		}
	}
	return 0, false
}

// IsPlan reports whether src looks like a Terraform plan: a JSON object
// with format_version and planned_values or resource_changes among its
// top-level members. It reads only as far as it needs to and never fails;
// Load is what checks the plan.
func IsPlan(src []byte) bool {
	i := firstNonSpace(src)
	if i < 0 || src[i] != '{' || len(src) > MaxSize {
		return false
	}
	if _, deep := tooDeep(src, MaxDepth); deep {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(src[i:]))
	if _, err := dec.Token(); err != nil {
		return false
	}
	var version, body bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		switch t {
		case "format_version":
			var v string
			if dec.Decode(&v) != nil {
				return false
			}
			version = v != ""
		case "planned_values", "resource_changes":
			body = true
			fallthrough
		default:
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return false
			}
		}
		if version && body {
			return true
		}
	}
	return false
}

// unquote decodes the JSON string q into s.
func unquote(q []byte, s *string) bool {
	return json.Unmarshal(q, s) == nil
}
