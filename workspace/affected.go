package workspace

import (
	"context"
	"path/filepath"

	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// LoadTerraformFile loads, of what LoadPaths would load under paths, the
// Terraform root modules that read file (a .tf or variables file): the root
// module of file's directory and the roots that call that directory as a
// local module, directly or through other local modules. Templates and the
// other roots are not loaded: an editor re-checking one buffer on every
// keystroke needs only the units that can change with it. Discovery
// (excludes, .gitignore) is LoadPaths'. When no root reaches file's
// directory (it is excluded, or holds no configuration), every Terraform
// root under paths is loaded, for the caller to choose from.
func (w *Workspace) LoadTerraformFile(ctx context.Context, paths []string, file string, opts LoadOptions) ([]scanner.Loaded, error) {
	fsys := opts.fs()
	cands, err := w.discover(ctx, paths, opts, fsys)
	if err != nil {
		return nil, err
	}
	var roots []scanner.Candidate
	for _, c := range cands {
		if c.Kind == scanner.KindTerraform {
			roots = append(roots, c)
		}
	}
	target := cleanAbs(filepath.Dir(file))
	var keep []scanner.Candidate
	calls := map[string][]string{} // module directory → the local module directories it calls
	for _, c := range roots {
		if reaches(fsys, filepath.Clean(c.Path), target, calls) {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		keep = roots
	}
	return load(ctx, keep, opts, fsys, nil), nil
}

// reaches reports whether the module in dir is target (an absolute path)
// or calls it through local module sources; calls memoizes each
// directory's calls. Directories keep the form discovery gave them, so the
// parse cache, keyed by file name, is shared with the load that follows.
func reaches(fsys vfs.FS, dir, target string, calls map[string][]string) bool {
	seen := map[string]bool{}
	var visit func(d string) bool
	visit = func(d string) bool {
		if cleanAbs(d) == target {
			return true
		}
		if seen[d] {
			return false
		}
		seen[d] = true
		next, ok := calls[d]
		if !ok {
			for _, src := range terraform.LocalModuleSources(fsys, d) {
				next = append(next, filepath.Clean(filepath.Join(d, src)))
			}
			calls[d] = next
		}
		for _, n := range next {
			if visit(n) {
				return true
			}
		}
		return false
	}
	return visit(dir)
}

func cleanAbs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}
