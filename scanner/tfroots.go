package scanner

import (
	"path/filepath"
	"sort"

	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// terraformRoots picks the root modules among directories holding .tf
// files: a directory that another scanned directory calls as a local module
// (source = "../modules/x") is evaluated as part of its caller, with the
// caller's inputs, rather than on its own with unset variables, and must
// not be reported twice. The rest are roots.
//
// The directories are read in parallel; the files parsed here stay in the
// Terraform loader's parse cache, so the load that follows reuses them.
func terraformRoots(fsys vfs.FS, dirs []string) []string {
	sources := make([][]string, len(dirs))
	parallel.For(len(dirs), 0, func(i int) {
		sources[i] = terraform.LocalModuleSources(fsys, dirs[i])
	})
	called := map[string]bool{}
	for i, dir := range dirs {
		for _, src := range sources[i] {
			called[filepath.Clean(filepath.Join(dir, src))] = true
		}
	}
	var roots []string
	for _, dir := range dirs {
		if !called[filepath.Clean(dir)] {
			roots = append(roots, dir)
		}
	}
	sort.Strings(roots)
	return roots
}
