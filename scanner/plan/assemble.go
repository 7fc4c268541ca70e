package plan

import (
	"context"
	"path/filepath"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// Assembled is a plan checked together with the Terraform configuration it
// was made from.
type Assembled struct {
	// Plan is the plan as Load returns it, except that its resources
	// found in the configuration have the configuration's ranges (see
	// LoadWithConfig).
	Plan *Plan
	// Resources are Plan.Resources mapped to the model (tfmap.Map with
	// model.LayerPlan).
	Resources []model.Resource
	// Files holds every source of the configuration read, by the name
	// used in ranges (.tf files, variables files, files read by file
	// functions), for excerpts and inline suppressions. The plan file is
	// not in it: the caller has its text, and need not keep it once the
	// plan is loaded (a large plan's text is a third of what loading it
	// holds; see workspace.PlanOptions.DropSources).
	Files map[string][]byte
	// Notes say what was not checked and why: the configuration's, the
	// plan's, then the mapping's.
	Notes []string
	// EnvPath is the path that selects the stackgate.yaml environment:
	// the configuration file of the first resource found in the
	// configuration, else the plan file.
	EnvPath string
}

// LoadWithConfig loads a plan (file names it, src is its content) and,
// when dir is not empty, the Terraform configuration in dir, read with
// opts (opts.Env is not defaulted: pass os.Environ() for TF_VAR_name, as
// terraform plan saw it). A plan resource whose address the configuration
// also has takes its file and ranges, module call site and inputs, and
// lifecycle (when the plan has none), so findings point at .tf lines; the
// configuration's expressions decide whether a value known only after
// apply is a reference or unknown (see builder.reference). Resources the
// configuration no longer has (being destroyed) keep their place in the
// plan JSON.
//
// Errors are the plan's (*model.Error), the configuration's (as
// terraform.Load returns them), or ctx's when it is done first.
func LoadWithConfig(ctx context.Context, file string, src []byte, dir string, opts terraform.Options) (*Assembled, error) {
	b, err := newBuilder(file, src)
	if err != nil {
		return nil, err
	}
	a := &Assembled{Files: map[string][]byte{}, EnvPath: file}
	var configured []tfmap.Resource
	if dir != "" {
		mod, err := terraform.Load(ctx, dir, opts)
		if err != nil {
			<-b.spans // not built: no goroutine outlives the load
			return nil, err
		}
		configured = mod.Resources
		b.source = make(map[string]*tfmap.Resource, len(configured))
		for i := range configured {
			b.source[configured[i].Address] = &configured[i]
		}
		for f, content := range mod.Files {
			a.Files[f] = content
		}
		a.Notes = append(a.Notes, mod.Notes...)
	}
	if err := ctx.Err(); err != nil {
		<-b.spans
		return nil, err
	}
	p, err := b.build()
	if err != nil {
		return nil, err
	}
	a.Plan = p
	if located := locate(p.Resources, b.source); len(located) > 0 {
		a.EnvPath = p.Resources[located[0]].File
	}
	resources, notes := tfmap.Map(p.Resources, model.LayerPlan)
	a.Resources = resources
	a.Notes = append(append(a.Notes, p.Notes...), notes...)
	return a, ctx.Err()
}

// locate gives plan resources the file, ranges, call site, inputs and
// (when the plan has none) lifecycle of the same addresses in the
// configuration, and returns the indexes of those it located, in order.
func locate(planned []tfmap.Resource, configured map[string]*tfmap.Resource) []int {
	var out []int
	for i := range planned {
		c := configured[planned[i].Address]
		if c == nil {
			continue
		}
		p := &planned[i]
		p.File, p.Range, p.NameRange = c.File, c.Range, c.NameRange
		p.CallSite, p.Inputs, p.Ranges = c.CallSite, c.Inputs, c.Ranges
		if p.Lifecycle == nil {
			p.Lifecycle = c.Lifecycle
		}
		out = append(out, i)
	}
	return out
}

// ConfigDir returns the directory of the configuration beside a plan
// file: the plan's own directory when it holds Terraform configuration
// files (*.tf, *.tf.json) in fsys (nil: the disk), else "".
func ConfigDir(fsys vfs.FS, file string) string {
	dir := filepath.Dir(file)
	if terraform.IsModuleDir(fsys, dir) {
		return dir
	}
	return ""
}
