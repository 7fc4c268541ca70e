package workspace

import (
	"context"
	"maps"
	"os"

	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/plan"
	"github.com/stackgate/stackgate/scanner/terraform"
)

// KindPlan is the kind of a unit loaded from a Terraform plan.
const KindPlan scanner.Kind = "plan"

// PlanOptions say how a plan is loaded.
type PlanOptions struct {
	// Dir is the Terraform configuration the plan was made from. When
	// empty, the plan's directory is used if it holds .tf files. Findings
	// then point at .tf lines, inline suppressions there apply (as they do
	// for `scan` of the same files), and expressions tell references from
	// computed values.
	Dir string
	// Terraform are the configuration loader's options.
	Terraform terraform.Options
	// DropSources lets go of the files' contents once the plan is loaded
	// (see LoadOptions.DropSources): the plan's text is then not held
	// while it is mapped and checked.
	DropSources bool
}

// LoadPlan loads a `terraform show -json` plan (file names it in messages;
// src is its content) into one unit, with the configuration beside it.
func (w *Workspace) LoadPlan(ctx context.Context, file string, src []byte, opts PlanOptions) (scanner.Loaded, error) {
	// text is what the unit keeps of the plan's text. src is not used
	// after the load, so that, dropped, it is free once decoded.
	text := src
	if opts.DropSources {
		text = nil
	}
	l := scanner.Loaded{File: file, Kind: KindPlan, Sources: map[string][]byte{file: text}}
	tfOpts := opts.Terraform
	if tfOpts.Env == nil {
		tfOpts.Env = os.Environ()
	}
	dir := opts.Dir
	if dir == "" {
		dir = plan.ConfigDir(tfOpts.FS, file)
	}
	a, err := plan.LoadWithConfig(ctx, file, src, dir, tfOpts)
	if err != nil {
		return l, err
	}
	l.Notes, l.Resources, l.EnvPath = a.Notes, a.Resources, a.EnvPath
	maps.Copy(l.Sources, a.Files)
	l.Context.Region = a.Plan.Region
	// Inline suppressions in the configuration apply to the plan as they
	// do to a scan of the same files: same source, same decision. A
	// broken one is a problem of the unit (an error in the report that
	// fails the run) and suppresses nothing; the plan is still checked.
	l.AddSuppressionsFrom(a.Files, file)
	if opts.DropSources {
		l.Sources = namesOnly(l.Sources)
	}
	return l, nil
}
