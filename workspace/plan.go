package workspace

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/plan"
	"github.com/stackgate/stackgate/scanner/suppress"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
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
}

// LoadPlan loads a `terraform show -json` plan (file names it in messages;
// src is its content) into one unit, with the configuration beside it.
func (w *Workspace) LoadPlan(ctx context.Context, file string, src []byte, opts PlanOptions) (scanner.Loaded, error) {
	l := scanner.Loaded{File: file, Kind: KindPlan, Sources: map[string][]byte{file: src}}
	p, err := plan.Load(file, src)
	if err != nil {
		return l, err
	}
	dir := opts.Dir
	if dir == "" && terraform.IsModuleDir(nil, filepath.Dir(file)) {
		dir = filepath.Dir(file)
	}
	if dir != "" {
		tfOpts := opts.Terraform
		if tfOpts.Env == nil {
			tfOpts.Env = os.Environ()
		}
		mod, err := terraform.Load(ctx, dir, tfOpts)
		if err != nil {
			return l, err
		}
		locateInConfig(p.Resources, mod.Resources)
		maps.Copy(l.Sources, mod.Files)
		l.Notes = append(l.Notes, mod.Notes...)
		var errs []error
		for _, f := range slices.Sorted(maps.Keys(mod.Files)) {
			sups, problems := suppress.Scan(f, mod.Files[f])
			l.Suppressions = append(l.Suppressions, sups...)
			for _, p := range problems {
				errs = append(errs, p)
			}
		}
		if len(errs) > 0 {
			return l, errors.Join(errs...)
		}
	}
	resources, notes := tfmap.Map(p.Resources, model.LayerPlan)
	l.Resources = resources
	l.Notes = append(append(l.Notes, p.Notes...), notes...)
	l.Context.Region = p.Region
	l.EnvPath = file
	for _, r := range resources {
		if r.Origin.File != "" {
			l.EnvPath = r.Origin.File
			break
		}
	}
	return l, ctx.Err()
}

// locateInConfig gives plan resources the source ranges of the same
// addresses in the configuration, so findings point at .tf lines.
func locateInConfig(planned, configured []tfmap.Resource) {
	byAddr := make(map[string]*tfmap.Resource, len(configured))
	for i := range configured {
		byAddr[configured[i].Address] = &configured[i]
	}
	for i := range planned {
		c, ok := byAddr[planned[i].Address]
		if !ok {
			continue
		}
		planned[i].File, planned[i].Range, planned[i].NameRange = c.File, c.Range, c.NameRange
		planned[i].CallSite, planned[i].Inputs = c.CallSite, c.Inputs
		planned[i].Ranges = c.Ranges
		if planned[i].Lifecycle == nil {
			planned[i].Lifecycle = c.Lifecycle
		}
	}
}
