package lsp

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"go.lsp.dev/protocol"
)

// kind is what stackgate makes of a buffer.
type kind int

const (
	kindOther     kind = iota
	kindTerraform      // .tf, .tf.json, .tfvars: evaluated with its module
	kindTemplate       // .yaml, .yml, .json, .template: a template if its content says so
	kindConfig         // stackgate.yaml
)

func kindOf(path string) kind {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case base == "stackgate.yaml" || base == "stackgate.yml":
		return kindConfig
	case strings.HasSuffix(base, ".tf"), strings.HasSuffix(base, ".tf.json"), strings.HasSuffix(base, ".tfvars"), strings.HasSuffix(base, ".tfvars.json"):
		return kindTerraform
	case strings.HasSuffix(base, ".yaml"), strings.HasSuffix(base, ".yml"), strings.HasSuffix(base, ".json"), strings.HasSuffix(base, ".template"):
		return kindTemplate
	}
	return kindOther
}

// document is an open buffer and what the server last showed for it.
type document struct {
	uri     protocol.DocumentURI
	path    string
	kind    kind
	text    *text
	version int32

	gen    uint64             // bumped by every edit; a scheduled run checks it
	timer  *time.Timer        // the debounce timer
	cancel context.CancelFunc // cancels the running evaluation

	published int32       // the newest version whose diagnostics were published
	shown     *evaluation // what was published last
	good      *evaluation // the last evaluation that parsed (kept, marked stale, while the buffer does not)
}

func (d *document) stop() {
	if d.timer != nil {
		d.timer.Stop()
	}
	if d.cancel != nil {
		d.cancel()
	}
}

func (s *Server) didOpen(p protocol.DidOpenTextDocumentParams) {
	path := uriPath(p.TextDocument.URI)
	d := &document{uri: p.TextDocument.URI, path: path, kind: kindOf(path), text: newText([]byte(p.TextDocument.Text)), version: p.TextDocument.Version, published: -1 << 31}
	s.mu.Lock()
	if old := s.docs[d.uri]; old != nil {
		old.stop()
	}
	s.docs[d.uri] = d
	s.mu.Unlock()
	if path == "" {
		return
	}
	s.schedule(d, 0)
}

func (s *Server) didChange(p didChangeParams) {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		s.mu.Unlock()
		return
	}
	t := d.text
	for _, c := range p.Changes {
		t = newText(t.apply(c.Range, c.Text))
	}
	d.text = t
	d.version = p.TextDocument.Version
	s.mu.Unlock()
	s.schedule(d, s.opts.Debounce)
}

func (s *Server) didSave(p protocol.DidSaveTextDocumentParams) {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	s.mu.Unlock()
	if d != nil {
		s.schedule(d, 0)
	}
}

func (s *Server) didClose(p protocol.DidCloseTextDocumentParams) {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	delete(s.docs, p.TextDocument.URI)
	if d != nil {
		d.stop()
		d.gen++
	}
	cfg := d != nil && d.kind == kindConfig
	s.mu.Unlock()
	if d == nil {
		return
	}
	if cfg {
		// The configuration on disk applies again.
		s.configChanged()
		return
	}
	s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: d.uri, Diagnostics: []protocol.Diagnostic{}})
}

// schedule (re)starts the evaluation of d after delay: an edit cancels the
// evaluation under way, whose results are then dropped.
func (s *Server) schedule(d *document, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.gen++
	gen := d.gen
	d.stop()
	d.timer = time.AfterFunc(delay, func() { s.run(d, gen) })
}

// run evaluates one version of d and publishes the result, unless a newer
// edit came in meanwhile.
func (s *Server) run(d *document, gen uint64) {
	s.mu.Lock()
	if d.gen != gen || s.docs[d.uri] != d || s.shutdown {
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	d.cancel = cancel
	snap := snapshot{uri: d.uri, path: d.path, kind: d.kind, text: d.text, version: d.version, overlay: s.overlayLocked()}
	s.mu.Unlock()
	defer cancel()

	if snap.kind == kindConfig {
		s.mu.Lock()
		stale := d.gen != gen
		s.mu.Unlock()
		if !stale {
			s.configChanged() // reopens with the buffer, which publishes its errors
		}
		return
	}
	ev := s.evaluate(ctx, snap)
	adjustGC()
	if ev == nil || ctx.Err() != nil {
		return
	}
	s.publish(d, gen, ev)
}

// overlayLocked is every open buffer by path, for the loaders.
func (s *Server) overlayLocked() map[string][]byte {
	m := make(map[string][]byte, len(s.docs))
	for _, d := range s.docs {
		if d.path != "" {
			m[d.path] = d.text.src
		}
	}
	return m
}

// publish sends ev's diagnostics if ev is still for the newest version:
// diagnostics never go out for a version older than one already shown.
func (s *Server) publish(d *document, gen uint64, ev *evaluation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.gen != gen || s.docs[d.uri] != d || ev.version != d.version || ev.version < d.published {
		return
	}
	if !ev.broken {
		d.good = ev
	} else if d.good != nil {
		ev.addStale(d.good)
	}
	d.published = ev.version
	d.shown = ev
	s.evalCount++
	diags := make([]protocol.Diagnostic, 0, len(ev.diags))
	diags = append(diags, ev.diags...)
	s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: d.uri, Version: uint32(ev.version), Diagnostics: diags})
}

// snapshot is one version of a buffer with every open buffer beside it.
type snapshot struct {
	uri     protocol.DocumentURI
	path    string
	kind    kind
	text    *text
	version int32
	overlay map[string][]byte
}
