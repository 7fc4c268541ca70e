package workspace

import (
	"context"
	"maps"
	"path/filepath"

	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// LoadOptions say how sources are found and evaluated.
type LoadOptions struct {
	// Exclude holds doublestar globs skipped besides the configuration's
	// (--exclude).
	Exclude []string
	// NoGitignore turns off .gitignore handling.
	NoGitignore bool
	// CloudFormation are the template loader's options (parameters,
	// region, account).
	CloudFormation cfn.Options
	// Terraform are the Terraform loader's options (variables, files).
	Terraform terraform.Options
	// Workers is the number of files loaded at once (0: GOMAXPROCS).
	Workers int
	// Progress, if set, is called after each loaded file.
	Progress func(done, total int)
	// Overlay holds file contents that replace or add to the files on
	// disk, by path: an editor's unsaved buffers. Discovery, templates,
	// Terraform configuration, variables files, modules and what file
	// functions read all see them.
	Overlay map[string][]byte
	// DropSources lets go of the files' contents as soon as each unit is
	// loaded (its inline suppressions read), for a report that shows no
	// excerpts (report.ShowsSource): the units' Sources, and so
	// Result.Sources, then name every file read with nil contents. A
	// large template's text is then not held while its rules run.
	DropSources bool
	// ReleaseModules lets the Terraform loader drop each module's syntax
	// trees once the last root module calling it is loaded
	// (scanner.LoadOptions.ReleaseModules), for a run that loads once.
	ReleaseModules bool
}

// namesOnly is sources with every file's contents dropped.
func namesOnly(sources map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(sources))
	for f := range sources {
		out[f] = nil
	}
	return out
}

// fs is the view of files the options describe.
func (o LoadOptions) fs() vfs.FS {
	disk := vfs.OS(scanner.DefaultMaxFileBytes)
	if len(o.Overlay) == 0 {
		return disk
	}
	return vfs.WithOverlay(disk, o.Overlay)
}

// LoadPaths finds the templates and Terraform root modules under paths
// (files or directories; the configuration's excludes and .gitignore
// apply) and loads each into a unit. A file that cannot be loaded is a
// unit with Err set, so that one broken file does not hide the others; the
// error returned is for paths that cannot be walked at all.
func (w *Workspace) LoadPaths(ctx context.Context, paths []string, opts LoadOptions) ([]scanner.Loaded, error) {
	fsys := opts.fs()
	cands, err := w.discover(ctx, paths, opts, fsys)
	if err != nil {
		return nil, err
	}
	return load(ctx, cands, opts, fsys, nil), nil
}

// discover finds the candidates under paths through fsys, with the
// configuration's excludes and the caller's.
func (w *Workspace) discover(ctx context.Context, paths []string, opts LoadOptions, fsys vfs.FS) ([]scanner.Candidate, error) {
	excludes := append(append([]string(nil), opts.Exclude...), w.Excludes...)
	cands, err := scanner.Discover(paths, scanner.DiscoverOptions{Exclude: excludes, NoGitignore: opts.NoGitignore, FS: fsys})
	if err != nil {
		return nil, err
	}
	return cands, ctx.Err()
}

// load loads candidates through fsys with the options' loaders; then, if
// set, is called with each unit as soon as it is loaded (scanner.LoadOptions.Then).
func load(ctx context.Context, cands []scanner.Candidate, opts LoadOptions, fsys vfs.FS, then func(int, *scanner.Loaded)) []scanner.Loaded {
	if opts.DropSources {
		next := then
		then = func(i int, l *scanner.Loaded) {
			// a new map: a unit's map may be a loader's own
			l.Sources = namesOnly(l.Sources)
			if next != nil {
				next(i, l)
			}
		}
	}
	return scanner.Load(ctx, cands, scanner.LoadOptions{
		CloudFormation: opts.CloudFormation,
		Terraform:      opts.Terraform,
		Workers:        opts.Workers,
		Progress:       opts.Progress,
		Then:           then,
		FS:             fsys,
		ReleaseModules: opts.ReleaseModules,
	})
}

// LoadBytes loads one file from its content (name says where it is, for
// messages, for the environment and, for Terraform, for the module it
// belongs to: the rest of that module comes from disk or opts.Overlay).
// The content need not be saved anywhere.
func (w *Workspace) LoadBytes(ctx context.Context, name string, src []byte, opts LoadOptions) ([]scanner.Loaded, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	overlay := make(map[string][]byte, len(opts.Overlay)+1)
	maps.Copy(overlay, opts.Overlay)
	overlay[abs] = src
	opts.Overlay = overlay
	return w.LoadPaths(ctx, []string{name}, opts)
}
