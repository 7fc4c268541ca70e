package scanner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/suppress"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// DefaultMaxFileBytes bounds the size of a source file; larger files are
// rejected before they are read. CloudFormation itself accepts at most 1 MB.
const DefaultMaxFileBytes = 16 << 20

// LoadOptions configures the loaders.
type LoadOptions struct {
	CloudFormation cfn.Options
	Terraform      terraform.Options
	// Workers is the number of files parsed at once (0: GOMAXPROCS).
	Workers int
	// Progress, if set, is called after each file with the count so far.
	Progress func(done, total int)
	// Then, if set, is called with each unit as soon as it is loaded, on
	// the goroutine that loaded it and before Progress. A caller that
	// checks units one at a time (stackgate scan) checks each while the
	// others load and may then drop what it no longer needs, so that a
	// large tree is never held in memory as a whole.
	Then func(i int, l *Loaded)
	// FS is the view of files the loaders read (nil: the disk). The
	// Terraform loader uses it too unless its own options set one.
	FS vfs.FS
	// ReleaseModules drops a module directory's syntax trees and decoded
	// configuration from the Terraform loader's caches as soon as the
	// last root module whose Candidate.Modules holds it is loaded. A
	// batch run that loads each directory's callers once (stackgate
	// scan) sets it: the trees were most of its live heap, so the
	// collector marked them again and again and ran more often. A
	// long-running process (the language server) keeps them for the next
	// load.
	ReleaseModules bool
}

// Loaded is one loaded source file.
type Loaded struct {
	File string
	Kind Kind
	// EnvPath is the path that selects the unit's environment in
	// stackgate.yaml when it is not File (a plan: the configuration file
	// of its first resource).
	EnvPath string
	// Context is what the source itself says of the deployment target (a
	// plan's provider region); it wins over what the caller knows.
	Context model.Context
	// Sources holds every file read for this unit, by path, for report
	// excerpts (one template, or every file of a Terraform module tree).
	Sources      map[string][]byte
	Resources    []model.Resource
	Suppressions []model.Suppression
	Notes        []string
	// Parameters are the parameters a CloudFormation template declares,
	// sorted (what --param may name).
	Parameters []string
	// Skipped is set for files that are not a source stackgate checks (a
	// YAML file that is not a template). Skipped files are not errors.
	Skipped bool
	// Err is set when the file could not be loaded; the scan then fails
	// closed (exit 2) for it.
	Err error
	// Problems are errors in a file that was loaded and is checked: a
	// broken inline suppression (a stackgate:ignore without a reason),
	// which then suppresses nothing. Each is a *model.Error with the
	// file and line. They fail the run as Err does (exit 2, unless the
	// user allows errors), but the findings of the file are reported.
	Problems []error
}

// Load parses the candidates in parallel. Results are in candidate order,
// so output does not depend on scheduling.
func Load(ctx context.Context, cands []Candidate, opts LoadOptions) []Loaded {
	out := make([]Loaded, len(cands))
	var done atomic.Int64
	var release *moduleRelease
	if opts.ReleaseModules {
		release = newModuleRelease(cands)
	}
	parallel.For(len(cands), opts.Workers, func(i int) {
		if err := ctx.Err(); err != nil {
			out[i] = Loaded{File: cands[i].Path, Err: err}
		} else {
			out[i] = loadOne(ctx, cands[i], opts)
		}
		release.loaded(cands[i])
		if opts.Then != nil {
			opts.Then(i, &out[i])
		}
		if opts.Progress != nil {
			opts.Progress(int(done.Add(1)), len(cands))
		}
	})
	return out
}

func loadOne(ctx context.Context, c Candidate, opts LoadOptions) Loaded {
	l := Loaded{File: c.Path}
	if c.Kind == KindTerraform {
		return loadTerraform(ctx, c, opts)
	}
	limit := opts.CloudFormation.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxFileBytes
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = vfs.OS(limit)
	}
	st, err := fsys.Stat(c.Path)
	if err != nil {
		l.Err = fmt.Errorf("%s: %w", c.Path, vfs.WithoutPath(err))
		return l
	}
	if st.Size() > limit {
		// A large data file that happens to be YAML or JSON is not a
		// template: judge it by its head rather than refuse the scan.
		if head, err := vfs.ReadHead(fsys, c.Path, cfn.DetectWindow); err == nil && !cfn.MayBeTemplate(head) {
			l.Skipped = true
			l.Notes = append(l.Notes, fmt.Sprintf("%s: %d bytes, over the %d byte limit for a template, and not a CloudFormation template (judged by its first %d KiB); skipped", c.Path, st.Size(), limit, cfn.DetectWindow>>10))
			return l
		}
		l.Err = model.Errorf(c.Path, 0, 0, "file is %d bytes, over the %d byte limit for a template (CloudFormation itself accepts at most 1 MB)", st.Size(), limit)
		return l
	}
	src, err := fsys.ReadFile(c.Path)
	if err != nil {
		l.Err = fmt.Errorf("%s: %w", c.Path, vfs.WithoutPath(err))
		return l
	}
	l.Sources = map[string][]byte{c.Path: src}
	if text, ok := cfn.DecodeUTF16(src); ok {
		// The loader reads UTF-8 only; say so rather than pass the file
		// over as "not a template".
		l.Skipped = true
		if c.Explicit || cfn.IsTemplate(text) {
			l.Notes = append(l.Notes, c.Path+": the file is UTF-16; save it as UTF-8 to have it checked")
		}
		return l
	}
	if !cfn.IsTemplate(src) {
		if c.Explicit && isPlanJSON(src) {
			// Given by name, it is meant to be checked: skipping it would
			// pass it silently.
			l.Err = model.Errorf(c.Path, 0, 0, "this is a Terraform plan (terraform show -json), not a template: check it with `stackgate plan %s`", c.Path)
			return l
		}
		l.Skipped = true
		if c.Explicit {
			l.Notes = append(l.Notes, c.Path+": not a CloudFormation template (no AWSTemplateFormatVersion and no Resources with AWS:: types); skipped")
		}
		return l
	}
	l.Kind = KindCloudFormation
	tpl, err := cfn.Load(c.Path, src, opts.CloudFormation)
	if err != nil {
		l.Err = err
		return l
	}
	l.Resources, l.Notes = tpl.Resources, append(l.Notes, tpl.Notes...)
	l.Parameters = tpl.Parameters
	l.AddSuppressions(c.Path, src)
	l.Suppressions = append(l.Suppressions, tpl.Suppressions...)
	return l
}

// AddSuppressions scans one source file's inline suppressions into the
// unit: well-formed ones suppress, malformed ones are problems of the unit
// (an error in the report) and suppress nothing.
func (l *Loaded) AddSuppressions(file string, src []byte) {
	sups, problems := suppress.Scan(file, src)
	l.Suppressions = append(l.Suppressions, sups...)
	for _, p := range problems {
		l.Problems = append(l.Problems, p)
	}
}

// AddSuppressionsFrom scans every file of files, in name order, except
// skip (a file that is not source, such as the plan JSON itself).
func (l *Loaded) AddSuppressionsFrom(files map[string][]byte, skip string) {
	for _, f := range slices.Sorted(maps.Keys(files)) {
		if f != skip {
			l.AddSuppressions(f, files[f])
		}
	}
}

// isPlanJSON reports whether src looks like `terraform show -json` output
// of a plan: a JSON object with format_version, terraform_version and
// planned values or resource changes.
func isPlanJSON(src []byte) bool {
	trimmed := bytes.TrimSpace(src)
	if len(trimmed) == 0 || trimmed[0] != '{' || !bytes.Contains(src, []byte(`"terraform_version"`)) {
		return false
	}
	var head struct {
		FormatVersion    string          `json:"format_version"`
		TerraformVersion string          `json:"terraform_version"`
		PlannedValues    json.RawMessage `json:"planned_values"`
		ResourceChanges  json.RawMessage `json:"resource_changes"`
	}
	if err := json.Unmarshal(trimmed, &head); err != nil {
		return false
	}
	return head.FormatVersion != "" && head.TerraformVersion != "" && (head.PlannedValues != nil || head.ResourceChanges != nil)
}
