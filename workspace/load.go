package workspace

import (
	"context"

	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/terraform"
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
}

// LoadPaths finds the templates and Terraform root modules under paths
// (files or directories; the configuration's excludes and .gitignore
// apply) and loads each into a unit. A file that cannot be loaded is a
// unit with Err set, so that one broken file does not hide the others; the
// error returned is for paths that cannot be walked at all.
func (w *Workspace) LoadPaths(ctx context.Context, paths []string, opts LoadOptions) ([]scanner.Loaded, error) {
	excludes := append(append([]string(nil), opts.Exclude...), w.Excludes...)
	cands, err := scanner.Discover(paths, scanner.DiscoverOptions{Exclude: excludes, NoGitignore: opts.NoGitignore})
	if err != nil {
		return nil, err
	}
	return scanner.Load(ctx, cands, scanner.LoadOptions{
		CloudFormation: opts.CloudFormation,
		Terraform:      opts.Terraform,
		Workers:        opts.Workers,
		Progress:       opts.Progress,
	}), nil
}
