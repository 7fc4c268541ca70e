// Package scanner finds the infrastructure sources under the paths a user
// gives and loads them into the model, in parallel. The loaders themselves
// live in the sub-packages (cfn, and terraform and plan in later layers).
package scanner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
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
}

// DiscoverOptions controls which files are considered.
type DiscoverOptions struct {
	// Exclude holds doublestar globs matched against each path relative to
	// the scan root and to the working directory ("examples/legacy/**").
	Exclude []string
	// NoGitignore turns off .gitignore handling.
	NoGitignore bool
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
	for _, root := range roots {
		st, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", root, unwrapPathError(err))
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
	for _, d := range terraformRoots(dirs) {
		out = append(out, Candidate{Path: d, Kind: KindTerraform})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// isTerraformFile reports whether a path is Terraform configuration.
func isTerraformFile(p string) bool {
	return strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json")
}

func walk(root string, opts DiscoverOptions, add func(Candidate)) error {
	var patterns []gitignore.Pattern
	matcher := gitignore.NewMatcher(nil)
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		rel, _ := filepath.Rel(root, p)
		segs := splitPath(rel)
		if d.IsDir() {
			if p != root && (skipDirs[d.Name()] || excluded(opts.Exclude, root, p) || (len(segs) > 0 && matcher.Match(segs, true))) {
				return filepath.SkipDir
			}
			if !opts.NoGitignore {
				if ps := readGitignore(filepath.Join(p, ".gitignore"), segs); len(ps) > 0 {
					patterns = append(patterns, ps...)
					matcher = gitignore.NewMatcher(patterns)
				}
			}
			return nil
		}
		if !(templateExts[strings.ToLower(filepath.Ext(p))] || isTerraformFile(p)) || excluded(opts.Exclude, root, p) || matcher.Match(segs, false) {
			return nil
		}
		add(Candidate{Path: p})
		return nil
	})
}

// readGitignore parses a .gitignore file; patterns are scoped to its
// directory (domain), as git scopes them.
func readGitignore(file string, domain []string) []gitignore.Pattern {
	data, err := os.ReadFile(file)
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

// unwrapPathError drops the path from an fs error: callers print it once.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
