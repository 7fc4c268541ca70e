package tfmap

import (
	"strings"
	"sync"
)

// memo remembers the results of a function of a path alone (an entry's
// translation of a provider path, the generic form of a path): the same
// few paths come back for every resource of a type, and working them out
// again (splitting, matching the rules, PascalCasing, joining) was most
// of the allocations of Map. Map's workers share it, so it is locked. It
// keeps at most memoSize paths, so that a long-lived process mapping
// ever new paths (map keys, list indexes) does not grow without bound;
// a path beyond that is worked out every time, as before.
type memo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

const memoSize = 4096

func (c *memo[V]) get(key string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *memo[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]V, 64)
	}
	if len(c.m) < memoSize {
		// The key may be part of a larger string (a path cut from the
		// plan's text): the memo keeps a copy, not that string.
		c.m[strings.Clone(key)] = v
	}
}
