// Package scanner finds the infrastructure sources under the paths a user
// gives and loads them into the model, in parallel. The loaders themselves
// live in the sub-packages (cfn, and terraform and plan in later layers).
package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"github.com/stackgate/stackgate/scanner/vfs"
)

// Kind is the kind of source a file holds.
type Kind string

// Source kinds.
const (
	KindCloudFormation Kind = "cloudformation"
	KindTerraform      Kind = "terraform"
)

// Candidate is a file that may hold a source; its kind is decided by
// content when it is loaded (a YAML file is a template only if it looks
// like one).
type Candidate struct {
	Path string
	// Explicit is true when the user named the file itself: a file named
	// explicitly that is not a template is reported, not silently skipped.
	Explicit bool
	// Kind is KindTerraform for a Terraform root module directory; empty
	// for files, whose kind is decided by content.
	Kind Kind
	// Modules are, for a Terraform root module, the directories its
	// module tree is read from as far as literal local sources tell: Path
	// first, then each directory it calls, directly or through another
	// (LoadOptions.ReleaseModules).
	Modules []string
}

// DiscoverOptions controls which files are considered.
type DiscoverOptions struct {
	// Exclude holds doublestar globs matched against each path relative to
	// the scan root and to the working directory ("examples/legacy/**").
	Exclude []string
	// NoGitignore turns off .gitignore handling.
	NoGitignore bool
	// FS is the view of files discovery reads (nil: the disk). With an
	// editor's overlay, a buffer not yet saved is found too.
	FS vfs.FS
}

// skipDirs are never descended into: VCS metadata and tool caches.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, ".terraform": true, ".aws-sam": true, "cdk.out": true}

// templateExts are the extensions a CloudFormation template may have.
var templateExts = map[string]bool{".yaml": true, ".yml": true, ".json": true, ".template": true}

// Discover walks roots (files or directories) and returns the candidate
// source files, sorted and without duplicates.
func Discover(roots []string, opts DiscoverOptions) ([]Candidate, error) {
	for _, p := range opts.Exclude {
		if !doublestar.ValidatePattern(p) {
			return nil, fmt.Errorf("--exclude %q is not a valid glob pattern", p)
		}
	}
	seen := map[string]bool{}
	var out []Candidate
	tfDirs := map[string]bool{}
	add := func(c Candidate) {
		if isTerraformFile(c.Path) {
			tfDirs[filepath.Dir(c.Path)] = true
			return
		}
		if !seen[c.Path] {
			seen[c.Path] = true
			out = append(out, c)
		}
	}
	if opts.FS == nil {
		opts.FS = vfs.OS(DefaultMaxFileBytes)
	}
	for _, root := range roots {
		st, err := opts.FS.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", root, vfs.WithoutPath(err))
		}
		if !st.IsDir() {
			add(Candidate{Path: filepath.Clean(root), Explicit: true})
			continue
		}
		if err := walk(root, opts, add); err != nil {
			return nil, err
		}
	}
	dirs := make([]string, 0, len(tfDirs))
	for d := range tfDirs {
		dirs = append(dirs, d)
	}
	for _, r := range terraformRoots(opts.FS, dirs) {
		out = append(out, Candidate{Path: r.dir, Kind: KindTerraform, Modules: r.modules})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// isTerraformFile reports whether a path is Terraform configuration.
func isTerraformFile(p string) bool {
	return strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json")
}

// walk visits the files under root in lexical order, as filepath.WalkDir
// does, through the FS view. Symbolic links to directories are not
// followed (a link cycle cannot loop); linked files are candidates, read
// through the link as the tools that deploy them do.
func walk(root string, opts DiscoverOptions, add func(Candidate)) error {
	var patterns []gitignore.Pattern
	matcher := gitignore.NewMatcher(nil)
	var visit func(dir string) error
	visit = func(dir string) error {
		rel, _ := filepath.Rel(root, dir)
		segs := splitPath(rel)
		if !opts.NoGitignore {
			if ps := readGitignore(opts.FS, filepath.Join(dir, ".gitignore"), segs); len(ps) > 0 {
				patterns = append(patterns, ps...)
				matcher = gitignore.NewMatcher(patterns)
			}
		}
		entries, err := opts.FS.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, vfs.WithoutPath(err))
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			segs := append(slices.Clip(segs), e.Name())
			if e.IsDir() {
				if skipDirs[e.Name()] || excluded(opts.Exclude, root, p) || matcher.Match(segs, true) {
					continue
				}
				if err := visit(p); err != nil {
					return err
				}
				continue
			}
			if !(templateExts[strings.ToLower(filepath.Ext(p))] || isTerraformFile(p)) || excluded(opts.Exclude, root, p) || matcher.Match(segs, false) {
				continue
			}
			add(Candidate{Path: p})
		}
		return nil
	}
	return visit(root)
}

// readGitignore parses a .gitignore file; patterns are scoped to its
// directory (domain), as git scopes them.
func readGitignore(fsys vfs.FS, file string, domain []string) []gitignore.Pattern {
	data, err := fsys.ReadFile(file)
	if err != nil {
		return nil
	}
	var ps []gitignore.Pattern
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

func excluded(globs []string, root, p string) bool {
	if len(globs) == 0 {
		return false
	}
	rel, _ := filepath.Rel(root, p)
	cands := []string{filepath.ToSlash(rel), filepath.ToSlash(filepath.Clean(p))}
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			if r, err := filepath.Rel(wd, abs); err == nil {
				cands = append(cands, filepath.ToSlash(r))
			}
		}
	}
	for _, g := range globs {
		for _, c := range cands {
			if ok, _ := doublestar.Match(g, c); ok {
				return true
			}
		}
	}
	return false
}

func splitPath(rel string) []string {
	if rel == "." || rel == "" {
		return nil
	}
	return strings.Split(filepath.ToSlash(rel), "/")
}
