package scanner

import (
	"path/filepath"
	"sort"

	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// tfRoot is a root module directory and the local module directories its
// tree calls.
type tfRoot struct {
	dir     string
	modules []string
}

// terraformRoots picks the root modules among directories holding .tf
// files: a directory that another scanned directory calls as a local module
// (source = "../modules/x") is evaluated as part of its caller, with the
// caller's inputs, rather than on its own with unset variables, and must
// not be reported twice. The rest are roots. With each root come the
// directories it reaches through literal local sources, itself first
// (Candidate.Modules).
//
// The directories are read in parallel; the files parsed here stay in the
// Terraform loader's parse cache, so the load that follows reuses them.
func terraformRoots(fsys vfs.FS, dirs []string) []tfRoot {
	sources := make([][]string, len(dirs))
	parallel.For(len(dirs), 0, func(i int) {
		sources[i] = terraform.LocalModuleSources(fsys, dirs[i])
	})
	// directory -> directories it calls; every scanned directory has an
	// entry, so that reach reads only directories outside the scan
	calls := make(map[string][]string, len(dirs))
	for i, dir := range dirs {
		dir = filepath.Clean(dir)
		calls[dir] = append(calls[dir], calledDirs(dir, sources[i])...)
	}
	called := map[string]bool{}
	for _, callees := range calls {
		for _, c := range callees {
			called[c] = true
		}
	}
	var roots []tfRoot
	for _, dir := range dirs {
		if !called[filepath.Clean(dir)] {
			roots = append(roots, tfRoot{dir: dir, modules: reach(fsys, filepath.Clean(dir), calls)})
		}
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].dir < roots[j].dir })
	return roots
}

// reach lists root and the directories it calls, directly or through
// others, in the order first met. calls holds the scanned directories'
// sources; a directory outside the scan is read here and added to it.
func reach(fsys vfs.FS, root string, calls map[string][]string) []string {
	out := []string{root}
	seen := map[string]bool{root: true}
	for i := 0; i < len(out); i++ {
		callees, ok := calls[out[i]]
		if !ok {
			callees = calledDirs(out[i], terraform.LocalModuleSources(fsys, out[i]))
			calls[out[i]] = callees
		}
		for _, c := range callees {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// calledDirs is the directories that the local sources of dir's module
// blocks name.
func calledDirs(dir string, sources []string) []string {
	out := make([]string, len(sources))
	for i, src := range sources {
		out[i] = filepath.Clean(filepath.Join(dir, src))
	}
	return out
}
