package lsp

import (
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/stackgate/stackgate/policies/model"
)

// hover explains the findings under the cursor: the rule, why it matters
// in this environment, and the fix in the file's language.
func (s *Server) hover(p protocol.HoverParams) *protocol.Hover {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	var ev *evaluation
	if d != nil {
		ev = d.shown
	}
	s.mu.Unlock()
	if ev == nil {
		return nil
	}
	var parts []string
	var rng *protocol.Range
	for _, sh := range ev.shown {
		if !contains(sh.rng, p.Position) {
			continue
		}
		r := sh.rng
		rng = &r
		parts = append(parts, hoverText(sh, d.kind))
	}
	if len(parts) == 0 {
		return nil
	}
	return &protocol.Hover{
		Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: strings.Join(parts, "\n\n---\n\n")},
		Range:    rng,
	}
}

func contains(r protocol.Range, p protocol.Position) bool {
	before := func(a, b protocol.Position) bool { // a <= b
		return a.Line < b.Line || (a.Line == b.Line && a.Character <= b.Character)
	}
	return before(r.Start, p) && before(p, r.End)
}

func hoverText(sh shown, k kind) string {
	f := sh.f
	var b strings.Builder
	title := f.Title
	if title == "" {
		title = sh.rule.Title
	}
	fmt.Fprintf(&b, "### stackgate: %s\n\n", mdEscape(title))
	fmt.Fprintf(&b, "`%s` · severity **%s**", f.Rule, f.Severity)
	if f.Resource != "" {
		fmt.Fprintf(&b, " · resource `%s`", f.Resource)
	}
	b.WriteString("\n\n")
	if sh.stale {
		b.WriteString("_(stale: the file does not parse now; this is from the last version that did)_\n\n")
	}
	b.WriteString(mdEscape(f.Message))
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "**Why it matters here:** environment **%s** enforces this rule with **%s**", f.Environment, f.Enforcement)
	switch {
	case f.Waived != nil:
		fmt.Fprintf(&b, "; this finding is waived (%s: %s", f.Waived.Kind, mdEscape(f.Waived.Reason))
		if f.Waived.Owner != "" {
			fmt.Fprintf(&b, ", owner %s", f.Waived.Owner)
		}
		if f.Waived.Expires != "" {
			fmt.Fprintf(&b, ", expires %s", f.Waived.Expires)
		}
		b.WriteString(").")
	case f.Blocking:
		b.WriteString(": it **blocks** CI and deployment.")
	default:
		b.WriteString(": it is reported but does not block.")
	}
	if f.Status == model.StatusUnknown && f.UnknownReason != "" {
		fmt.Fprintf(&b, "\n\n**Not known statically:** %s", mdEscape(f.UnknownReason))
	}
	if fix := f.Remediation; fix != "" {
		lang := "yaml"
		if k == kindTerraform {
			lang = "hcl"
		}
		text, code, _ := strings.Cut(fix, "\n\n")
		fmt.Fprintf(&b, "\n\n**Fix:** %s", mdEscape(text))
		if strings.TrimSpace(code) != "" {
			fmt.Fprintf(&b, "\n\n```%s\n%s\n```", lang, strings.TrimRight(code, "\n"))
		}
	}
	if sh.rule.URL != "" {
		fmt.Fprintf(&b, "\n\n[Rule documentation](%s)", sh.rule.URL)
	}
	return b.String()
}

// mdEscape keeps text from being read as Markdown markup.
func mdEscape(s string) string {
	r := strings.NewReplacer("*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "[", `\[`)
	return r.Replace(s)
}
