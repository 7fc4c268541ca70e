package config

import (
	"os"
	"path/filepath"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/vfs"
)

// Load reads and parses the config file at path.
func Load(path string, rules []RuleSpec) (*Config, error) {
	src, err := readLimited(path)
	if err != nil {
		return nil, model.Errors{model.Errorf(path, 0, 0, "cannot read config: %v", vfs.WithoutPath(err))}
	}
	return Parse(path, src, rules)
}

// Find looks for a config file in start (a file's directory, or start
// itself when it is a directory) and then in each parent up to the
// filesystem root, the way git finds .git. It returns "" and nil when there
// is none. In each directory the names are tried in the order of FileNames.
func Find(start string) (string, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	dir := abs
	// A path that does not exist (an unsaved editor buffer) is treated
	// as a file: its directory is where the search starts.
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		dir = filepath.Dir(abs)
	}
	for {
		for _, name := range FileNames {
			p := filepath.Join(dir, name)
			// Any stat error (missing, unreadable directory, a parent
			// that is a file) means there is no usable config here.
			if info, err := os.Stat(p); err == nil && !info.IsDir() {
				return p, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}
