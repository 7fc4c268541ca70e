package scanner

import (
	"context"
	"os"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

// loadTerraform evaluates a Terraform root module (with its local and
// downloaded modules) and maps its resources into the model.
func loadTerraform(ctx context.Context, c Candidate, opts LoadOptions) Loaded {
	l := Loaded{File: c.Path, Kind: KindTerraform}
	tfOpts := opts.Terraform
	if tfOpts.Env == nil {
		tfOpts.Env = os.Environ()
	}
	if tfOpts.FS == nil {
		tfOpts.FS = opts.FS
	}
	tfOpts.Ahead = c.Modules
	mod, err := terraform.Load(ctx, c.Path, tfOpts)
	if err != nil {
		l.Err = err
		return l
	}
	l.Sources = mod.Files
	l.Notes = append(l.Notes, mod.Notes...)
	resources, notes := tfmap.Map(mod.Resources, model.LayerTerraform)
	for i := range resources {
		resources[i].Origin.Root = c.Path
	}
	l.Resources = resources
	l.Notes = append(l.Notes, notes...)
	l.AddSuppressionsFrom(mod.Files, "")
	return l
}
