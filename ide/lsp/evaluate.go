package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/workspace"
)

// MaxDocumentBytes bounds the buffers the server evaluates: the CLI's
// limit on source files. A larger buffer gets one diagnostic saying so.
const MaxDocumentBytes = scanner.DefaultMaxFileBytes

// evaluation is what one check of one buffer version found.
type evaluation struct {
	version int32
	text    *text
	diags   []protocol.Diagnostic
	shown   []shown // findings behind diags, for hover and code actions
	broken  bool    // the buffer did not parse: diags are its errors
}

// shown is a finding as the editor shows it.
type shown struct {
	f     model.Finding
	rule  model.Rule
	rng   protocol.Range
	diag  protocol.Diagnostic
	stale bool
}

// addStale appends the findings of the last good evaluation, marked
// stale, to a broken one.
func (ev *evaluation) addStale(good *evaluation) {
	for _, sh := range good.shown {
		sh.stale = true
		sh.diag.Message = "(stale) " + sh.diag.Message
		ev.diags = append(ev.diags, sh.diag)
		ev.shown = append(ev.shown, sh)
	}
}

// evaluate checks one buffer version through the workspace front door.
// It returns nil when ctx was cancelled (a newer edit).
func (s *Server) evaluate(ctx context.Context, snap snapshot) *evaluation {
	ev := &evaluation{version: snap.version, text: snap.text}
	if snap.kind == kindOther {
		return ev
	}
	if len(snap.text.src) > MaxDocumentBytes {
		ev.diags = append(ev.diags, protocol.Diagnostic{
			Range:    protocol.Range{},
			Severity: protocol.DiagnosticSeverityWarning, Source: "stackgate",
			Message: fmt.Sprintf("not checked: the file is %d bytes, larger than the %d bytes stackgate checks", len(snap.text.src), MaxDocumentBytes),
		})
		return ev
	}
	sp, cfg := s.spaceFor(snap.path)
	if sp.err != nil {
		name := cfg
		if name == "" {
			name = "the rules"
		}
		ev.diags = append(ev.diags, protocol.Diagnostic{
			Severity: protocol.DiagnosticSeverityError, Source: "stackgate",
			Message: fmt.Sprintf("not checked: %s cannot be loaded: %v", name, firstLine(sp.err.Error())),
		})
		return ev
	}
	ws := sp.ws
	opts := workspace.LoadOptions{Overlay: snap.overlay}
	var units []scanner.Loaded
	var err error
	if snap.kind == kindTerraform {
		root := s.terraformRoot(snap.path, cfg)
		// Only the root modules that read the buffer can change with it:
		// the rest of the folder is neither loaded nor checked.
		units, err = ws.LoadTerraformFile(ctx, []string{root}, snap.path, opts)
		units = unitsWith(units, snap.path)
	} else {
		units, err = ws.LoadBytes(ctx, snap.path, snap.text.src, opts)
	}
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		ev.broken = true
		ev.diags = append(ev.diags, protocol.Diagnostic{Severity: protocol.DiagnosticSeverityError, Source: "stackgate", Message: err.Error()})
		return ev
	}
	// Incremental: one keystroke changes one resource, and only the
	// resources it can change are evaluated again.
	res, err := ws.Check(ctx, units, workspace.CheckOptions{Layer: model.RuleLayerEditor, Incremental: true})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		ev.diags = append(ev.diags, protocol.Diagnostic{Severity: protocol.DiagnosticSeverityError, Source: "stackgate", Message: err.Error()})
		return ev
	}
	for _, e := range res.Errors {
		for _, me := range modelErrors(e) {
			if me.File != "" && absPath(me.File) != snap.path {
				continue
			}
			ev.broken = true
			pos := snap.text.positionLC(me.Line, me.Column)
			end := pos
			if me.Line > 0 && me.Line <= len(snap.text.lines) {
				end = snap.text.position(snap.text.lineEnd(me.Line - 1))
			}
			ev.diags = append(ev.diags, protocol.Diagnostic{
				Range: protocol.Range{Start: pos, End: end}, Severity: protocol.DiagnosticSeverityError,
				Source: "stackgate", Message: me.Message,
			})
		}
	}
	if ev.broken {
		return ev
	}
	rules := map[string]model.Rule{}
	if rs, err := ws.Rules(); err == nil {
		for _, r := range rs {
			rules[r.ID] = r
		}
	}
	// Sized once: a shown finding carries its rule, and a module has
	// hundreds of findings.
	ev.shown = make([]shown, 0, len(res.Findings))
	ev.diags = slices.Grow(ev.diags, len(res.Findings))
	for _, f := range res.Findings {
		sh, ok := s.show(f, rules[f.Rule], snap)
		if ok {
			ev.shown = append(ev.shown, sh)
			ev.diags = append(ev.diags, sh.diag)
		}
	}
	return ev
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// terraformRoot is the folder loaded for a Terraform buffer, so that a
// module is evaluated through the root modules that call it: the folder
// of stackgate.yaml, else the editor's workspace folder when it holds the
// file, else the file's own folder.
func (s *Server) terraformRoot(path, cfg string) string {
	dir := filepath.Dir(path)
	if cfg != "" && within(path, filepath.Dir(cfg)) {
		return filepath.Dir(cfg)
	}
	s.mu.Lock()
	root := s.root
	s.mu.Unlock()
	if root != "" && within(path, root) {
		return root
	}
	return dir
}

func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// unitsWith keeps the units that read path (the root modules that
// evaluate a module, a template), so that the rest of the folder is not
// checked for nothing.
func unitsWith(units []scanner.Loaded, path string) []scanner.Loaded {
	var out []scanner.Loaded
	for _, u := range units {
		if absPath(u.File) == path {
			out = append(out, u)
			continue
		}
		if _, ok := u.Sources[path]; ok {
			out = append(out, u)
			continue
		}
		for f := range u.Sources {
			if absPath(f) == path {
				out = append(out, u)
				break
			}
		}
		if u.Err != nil && strings.Contains(u.Err.Error(), path) {
			out = append(out, u)
		}
	}
	return out
}

// show maps a finding to a diagnostic on the buffer, if it belongs there:
// its file is the buffer, or (a variables file) one of its related
// locations is.
func (s *Server) show(f model.Finding, rule model.Rule, snap snapshot) (shown, bool) {
	t := snap.text
	var rng protocol.Range
	switch {
	case absPath(f.File) == snap.path:
		rng = rangeOf(t, f)
	default:
		found := false
		for _, r := range f.Related {
			if absPath(r.File) == snap.path {
				rng = protocol.Range{Start: t.positionLC(r.Line, r.Column), End: t.positionLC(r.EndLine, r.EndColumn)}
				found = true
				break
			}
		}
		if !found {
			return shown{}, false
		}
	}
	d := protocol.Diagnostic{
		Range:    rng,
		Severity: severity(f),
		Code:     f.Rule,
		Source:   "stackgate",
		Message:  message(f),
	}
	if rule.URL != "" {
		d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(rule.URL)}
	}
	for _, r := range f.Related {
		d.RelatedInformation = append(d.RelatedInformation, s.related(r, snap))
	}
	if f.Waived != nil {
		d.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary}
	}
	return shown{f: f, rule: rule, rng: rng, diag: d}, true
}

// rangeOf is a finding's range on the text it was computed from, from its
// byte offsets (UTF-16 columns), or its lines and columns without them.
func rangeOf(t *text, f model.Finding) protocol.Range {
	r := f.Range
	if !r.IsZero() && r.End.Byte >= r.Start.Byte && r.End.Byte <= len(t.src) && (r.Start.Byte > 0 || r.Start.Line == 1) {
		return protocol.Range{Start: t.position(r.Start.Byte), End: t.position(r.End.Byte)}
	}
	return protocol.Range{Start: t.positionLC(f.Line, f.Column), End: t.positionLC(f.EndLine, f.EndColumn)}
}

// related is a related location as LSP has it, on the open buffer or the
// file on disk.
func (s *Server) related(r model.Location, snap snapshot) protocol.DiagnosticRelatedInformation {
	path := absPath(r.File)
	var t *text
	if src, ok := snap.overlay[path]; ok {
		t = newText(src)
	} else if src, err := os.ReadFile(path); err == nil && len(src) <= MaxDocumentBytes {
		t = newText(src)
	} else {
		t = newText(nil)
	}
	rng := protocol.Range{Start: t.positionLC(r.Line, r.Column), End: t.positionLC(r.EndLine, r.EndColumn)}
	return protocol.DiagnosticRelatedInformation{Location: protocol.Location{URI: pathURI(path), Range: rng}, Message: r.Message}
}

// severity maps the gate's decision to the editor's: what blocks is an
// error whatever else holds (an unknown value in an environment with
// unknown: block blocks too); a waived finding, or an unknown value that
// does not block, is a hint; otherwise the environment's enforcement says.
func severity(f model.Finding) protocol.DiagnosticSeverity {
	switch {
	case f.Waived != nil:
		return protocol.DiagnosticSeverityHint
	case f.Blocking:
		return protocol.DiagnosticSeverityError
	case f.Status == model.StatusUnknown:
		return protocol.DiagnosticSeverityHint
	case f.Enforcement == model.EnforcementWarn:
		return protocol.DiagnosticSeverityWarning
	case f.Enforcement == model.EnforcementAdvise:
		return protocol.DiagnosticSeverityInformation
	}
	return protocol.DiagnosticSeverityError
}

// message is the diagnostic's text: the finding's message, with what
// makes it a hint said first.
func message(f model.Finding) string {
	switch {
	case f.Waived != nil:
		return fmt.Sprintf("waived (%s): %s — %s", f.Waived.Kind, f.Waived.Reason, f.Message)
	case f.Status == model.StatusUnknown && !f.Blocking && f.UnknownReason != "":
		return "unknown: " + f.UnknownReason + " — " + f.Message
	}
	return f.Message
}
