package config

import (
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// Head is the part of a config file that is needed before the rules are
// compiled: the user rules must be loaded before the whole file can be
// validated (it may configure them), and discovery needs the excludes.
// Parse validates the whole file once the rules are known.
type Head struct {
	// Policies are the user policy directories, made relative to the
	// config file's directory (absolute ones are kept).
	Policies []string `yaml:"policies"`
	// Exclude holds the exclude globs, relative to the config's directory.
	Exclude []string `yaml:"exclude"`
}

// ParseHead reads the head of a config file's content. A syntax error is
// not reported here: Parse reports it with its line when the whole file is
// validated, so a head that cannot be read is empty.
func ParseHead(file string, src []byte) Head {
	var head Head
	if err := yaml.Unmarshal(src, &head); err != nil {
		return Head{}
	}
	dir := filepath.Dir(file)
	for i, p := range head.Policies {
		if !filepath.IsAbs(p) {
			head.Policies[i] = filepath.Join(dir, p)
		}
	}
	return head
}

// Read reads a config file's content, at most one byte over the size
// limit (Parse reports a file over it), with the error Load would give.
func Read(path string) ([]byte, error) {
	src, err := readLimited(path)
	if err != nil {
		return nil, model.Errors{model.Errorf(path, 0, 0, "cannot read config: %v", vfs.WithoutPath(err))}
	}
	return src, nil
}
