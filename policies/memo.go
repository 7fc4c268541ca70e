package policies

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stackgate/stackgate/policies/model"
)

// Memo remembers what the built-in rules found on each group of resources
// of a document, so that evaluating nearly the same document again (an
// editor checking a buffer on every keystroke, where one keystroke changes
// one resource) evaluates only the groups that changed. Pass it to
// Evaluate with WithMemo. The findings are exactly those of an evaluation
// without it.
//
// Why that holds. A built-in rule judges a resource on the resource itself
// and, for ec2-imdsv2, on the resources it references (an instance's
// launch template), and reports its findings on the resource it judges
// (evaluateChunks relies on the same); besides, rules read the
// environment (its name, enabled rules and their parameters), the context
// and the tagging table (the engine's own data). A satellite Terraform
// resource (aws_s3_bucket_public_access_block) is folded into its
// bucket's properties by the loader, so it is part of the bucket. So what
// the rules find on the resources of one address is a function of the
// environment and context terms and of the input terms (resourceTerm:
// all the rules see of a resource) of the resources of that address and
// of every resource they reference. Those resources are a group; its key
// is a SHA-256 over exactly those terms (appendCanonical), so a group whose
// key is remembered would be found the same again. An edit to a launch
// template changes the key of every instance that references it. A new
// built-in rule that relates resources otherwise (by tag, by name, across
// the document) must widen the group here, and the chunks of
// evaluateChunks: checkMemo, run on every rule fixture, is the test.
//
// What is remembered is each group's deny objects (rule, resource, path,
// message, status), not located findings: locations come from the
// resources' origins, which move with every edit above them, and are
// computed afresh on every evaluation, as are redaction and order.
//
// Only queries made of built-in rules are memoized, and only when no user
// module adds to a package they read (stackgate.lib): a user rule may
// relate any resources to any others, and such queries are evaluated
// whole.
//
// A Memo is bounded: it keeps at most max groups, in two generations (a
// group found or used lately stays; the older generation is dropped when
// the newer one is full). It belongs to the engine that first uses it:
// used with another engine (rules reloaded), it starts empty. It is safe
// for concurrent use.
type Memo struct {
	mu       sync.Mutex
	engine   *Engine
	gen      int
	cur, old map[memoKey][]memoDeny

	// hits and misses count groups looked up, for tests.
	hits, misses int
}

type memoKey [sha256.Size]byte

// memoDeny is one deny object of a rule.
type memoDeny struct {
	rule *ruleModule
	obj  map[string]any
}

// NewMemo returns an empty memo of at most max groups (at least 2).
func NewMemo(max int) *Memo {
	gen := max / 2
	if gen < 1 {
		gen = 1
	}
	return &Memo{gen: gen, cur: map[memoKey][]memoDeny{}, old: map[memoKey][]memoDeny{}}
}

// lookup fills found[i] (and sets ok[i]) for each key remembered, for
// engine e.
func (m *Memo) lookup(e *Engine, keys []memoKey, skip []bool, found [][]memoDeny, ok []bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.engine != e {
		m.engine = e
		m.cur, m.old = map[memoKey][]memoDeny{}, map[memoKey][]memoDeny{}
	}
	for i, k := range keys {
		if skip[i] {
			continue
		}
		d, hit := m.cur[k]
		if !hit {
			if d, hit = m.old[k]; hit {
				m.putLocked(k, d)
			}
		}
		if hit {
			m.hits++
			found[i], ok[i] = d, true
		} else {
			m.misses++
		}
	}
}

// store remembers what was found on groups of engine e.
func (m *Memo) store(e *Engine, keys []memoKey, denies [][]memoDeny) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.engine != e {
		return
	}
	for i, k := range keys {
		m.putLocked(k, denies[i])
	}
}

func (m *Memo) putLocked(k memoKey, d []memoDeny) {
	if _, ok := m.cur[k]; !ok && len(m.cur) >= m.gen {
		m.old, m.cur = m.cur, make(map[memoKey][]memoDeny, m.gen)
	}
	if d == nil {
		d = []memoDeny{} // found nothing, which is remembered too
	}
	m.cur[k] = d
}

// appendCanonical appends to b an encoding of v that two values share only
// when they are equal: a type tag, then the value (strings and numbers
// length-prefixed, arrays and objects counted, object members in key
// order). ok is false for a value no input holds (a set, a variable).
func appendCanonical(b []byte, v ast.Value) (_ []byte, ok bool) {
	switch x := v.(type) {
	case ast.Null:
		return append(b, 'z'), true
	case ast.Boolean:
		if x {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case ast.Number:
		b = binary.AppendUvarint(append(b, 'n'), uint64(len(x)))
		return append(b, x...), true
	case ast.String:
		b = binary.AppendUvarint(append(b, 's'), uint64(len(x)))
		return append(b, x...), true
	case *ast.Array:
		b = binary.AppendUvarint(append(b, 'a'), uint64(x.Len()))
		for i := 0; i < x.Len(); i++ {
			if b, ok = appendCanonical(b, x.Elem(i).Value); !ok {
				return b, false
			}
		}
		return b, true
	case ast.Object:
		b = binary.AppendUvarint(append(b, 'o'), uint64(x.Len()))
		ok = true
		x.Foreach(func(k, v *ast.Term) { // in key order
			if ok {
				if b, ok = appendCanonical(b, k.Value); ok {
					b, ok = appendCanonical(b, v.Value)
				}
			}
		})
		return b, ok
	}
	return b, false
}

// memoGroup is the resources of one address, judged together, with the
// resources they reference.
type memoGroup struct {
	addr    string
	members []int32 // indexes in the document, sorted: own and referenced
	key     memoKey
	noMemo  bool // not remembered: see evaluateGroups
	denies  []memoDeny
}

// evaluateMemo evaluates doc through m (see Memo): the groups remembered
// are not evaluated; the others are, together (in chunks of about
// e.chunkSize resources, as evaluateChunks does), and remembered.
func (e *Engine) evaluateMemo(ctx context.Context, pq *preparedQuery, doc *model.Document, byAddress map[string]*model.Resource, m *Memo) ([]model.Finding, error) {
	n := len(doc.Resources)
	rs := make([]*model.Resource, n)
	terms := make([]*ast.Term, n)
	digests := make([]memoKey, n)
	bad := make([]bool, n)
	var buf []byte
	var ok bool
	b := newTermBuilder()
	for i := range doc.Resources {
		rs[i] = &doc.Resources[i]
		terms[i] = b.resource(rs[i])
		if buf, ok = appendCanonical(buf[:0], terms[i].Value); !ok {
			bad[i] = true
			continue
		}
		digests[i] = sha256.Sum256(buf)
	}
	buf, ok = appendCanonical(buf[:0], environmentTerm(doc).Value)
	if ok {
		buf, ok = appendCanonical(buf, contextTerm(doc).Value)
	}
	if !ok {
		return e.evaluate(ctx, pq, doc, rs, nil, byAddress, nil, nil)
	}
	baseSum := sha256.Sum256(buf)

	byAddr := make(map[string][]int32, n)
	var groups []memoGroup
	for i, r := range rs {
		if _, ok := byAddr[r.Address]; !ok {
			groups = append(groups, memoGroup{addr: r.Address})
		}
		byAddr[r.Address] = append(byAddr[r.Address], int32(i))
	}
	keys := make([]memoKey, len(groups))
	skip := make([]bool, len(groups))
	h := sha256.New()
	for gi := range groups {
		g := &groups[gi]
		own := byAddr[g.addr]
		g.members = append(g.members, own...)
		for _, i := range own {
			for _, ref := range rs[i].References {
				if ref.Address != g.addr {
					g.members = append(g.members, byAddr[ref.Address]...)
				}
			}
		}
		slices.Sort(g.members)
		g.members = slices.Compact(g.members)
		h.Reset()
		h.Write(baseSum[:])
		for _, j := range g.members {
			if bad[j] {
				g.noMemo = true
			}
			mark := byte(0)
			if rs[j].Address == g.addr {
				mark = 1
			}
			h.Write([]byte{mark})
			h.Write(digests[j][:])
		}
		h.Sum(g.key[:0])
		keys[gi], skip[gi] = g.key, g.noMemo
	}

	found := make([][]memoDeny, len(groups))
	hit := make([]bool, len(groups))
	m.lookup(e, keys, skip, found, hit)
	var dirty []int
	for gi := range groups {
		if hit[gi] {
			groups[gi].denies = found[gi]
		} else {
			dirty = append(dirty, gi)
		}
	}
	foreign, err := e.evaluateGroups(ctx, pq, doc, rs, terms, byAddr, groups, dirty)
	if err != nil {
		return nil, err
	}
	var newKeys []memoKey
	var newDenies [][]memoDeny
	for _, gi := range dirty {
		if g := &groups[gi]; !g.noMemo {
			newKeys = append(newKeys, g.key)
			newDenies = append(newDenies, g.denies)
		}
	}
	m.store(e, newKeys, newDenies)

	total := len(foreign)
	for gi := range groups {
		total += len(groups[gi].denies)
	}
	out := make([]model.Finding, 0, total)
	for gi := range groups {
		for _, d := range groups[gi].denies {
			out = append(out, newFinding(d.rule.rule, d.obj, byAddress, doc.Environment.Name))
		}
	}
	for _, d := range foreign {
		out = append(out, newFinding(d.rule.rule, d.obj, byAddress, doc.Environment.Name))
	}
	return out, nil
}

// evaluateGroups evaluates the groups dirty of doc, in chunks of about
// e.chunkSize own resources (all at once when chunkSize is 0), each chunk
// with the resources its groups reference as context, and sets each
// group's denies. A finding on a referenced resource is left to that
// resource's own group. One on an address no resource has (the built-in
// rules make none) is returned, once however many chunks find it, and the
// groups of its chunk are not remembered, so that it is found again next
// time.
func (e *Engine) evaluateGroups(ctx context.Context, pq *preparedQuery, doc *model.Document, rs []*model.Resource, terms []*ast.Term, byAddr map[string][]int32, groups []memoGroup, dirty []int) ([]memoDeny, error) {
	var foreign []memoDeny
	seenForeign := map[string]bool{}
	inChunk := make([]bool, len(rs))
	owner := map[string]int{}
	var members []int32
	for next := 0; next < len(dirty); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		members = members[:0]
		clear(owner)
		own := 0
		for ; next < len(dirty) && (e.chunkSize <= 0 || own < e.chunkSize); next++ {
			g := &groups[dirty[next]]
			owner[g.addr] = dirty[next]
			own += len(byAddr[g.addr])
			for _, j := range g.members {
				if !inChunk[j] {
					inChunk[j] = true
					members = append(members, j)
				}
			}
		}
		slices.Sort(members)
		// The chunk judges its groups' resources; the resources they
		// reference are context, reached through input.referenced only.
		var crs, xrs []*model.Resource
		var cts, xts []*ast.Term
		for _, j := range members {
			if _, ok := owner[rs[j].Address]; ok {
				crs, cts = append(crs, rs[j]), append(cts, terms[j])
			} else {
				xrs, xts = append(xrs, rs[j]), append(xts, terms[j])
			}
			inChunk[j] = false
		}
		chunkForeign := false
		err := pq.denies(ctx, inputOf(doc, crs, cts, xrs, xts), nil, func(r *ruleModule, obj map[string]any) {
			a := str(obj["resource"])
			if gi, ok := owner[a]; ok {
				groups[gi].denies = append(groups[gi].denies, memoDeny{r, obj})
				return
			}
			if _, ok := byAddr[a]; ok {
				return // a referenced resource: judged in its own group
			}
			chunkForeign = true
			id := r.rule.ID + "\x00" + a + "\x00" + str(obj["path"]) + "\x00" + str(obj["message"]) + "\x00" + str(obj["status"])
			if !seenForeign[id] {
				seenForeign[id] = true
				foreign = append(foreign, memoDeny{r, obj})
			}
		})
		if err != nil {
			return nil, err
		}
		if chunkForeign {
			for _, gi := range owner {
				groups[gi].noMemo = true
			}
		}
	}
	return foreign, nil
}
