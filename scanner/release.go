package scanner

import (
	"sync"

	"github.com/stackgate/stackgate/scanner/terraform"
)

// moduleRelease counts, for each module directory, the root modules still
// to be loaded that read it, and drops the directory from the Terraform
// loader's caches when the count reaches zero (LoadOptions.ReleaseModules).
// A directory some root reaches in a way the count does not know (a
// source that is not a literal) is parsed again if it is needed after
// its release: slower, never wrong.
type moduleRelease struct {
	mu      sync.Mutex
	pending map[string]int
}

func newModuleRelease(cands []Candidate) *moduleRelease {
	r := &moduleRelease{pending: map[string]int{}}
	for _, c := range cands {
		for _, d := range c.Modules {
			r.pending[d]++
		}
	}
	return r
}

// loaded records that c is loaded (or given up) and releases the
// directories no root still to be loaded reads. A nil r does nothing.
func (r *moduleRelease) loaded(c Candidate) {
	if r == nil || len(c.Modules) == 0 {
		return
	}
	var free []string
	r.mu.Lock()
	for _, d := range c.Modules {
		r.pending[d]--
		if r.pending[d] == 0 {
			free = append(free, d)
		}
	}
	r.mu.Unlock()
	for _, d := range free {
		terraform.ReleaseDir(d)
	}
}
