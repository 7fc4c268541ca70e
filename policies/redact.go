package policies

import (
	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
)

// Sensitive values never reach a message.
//
// Rules decide on real values (input.resources holds them: a rule must see
// that a sensitive SSEAlgorithm is AES256 to fail it), and they word their
// messages with sprintf over those values. Rather than ask every rule,
// built-in or user-written, to remember to hide some arguments, the engine
// post-processes what rules return, once, here: every text of a finding
// that a rule or a loader wrote (message, unknown reason) has each
// sensitive value of the document replaced by "(sensitive value)". The
// values are those at the resources' Sensitive paths (Terraform sensitive
// variables and outputs, whatever functions they went through; a plan's
// before_sensitive/after_sensitive) and of secret-named properties, in
// properties and in the before-state, taken from every resource of the
// document (a message may quote another resource, such as a launch
// template). Matching ignores case; values shorter than 8 bytes are
// replaced only as whole tokens, so that a short value does not garble
// the words around it (model.RedactText). Booleans are not replaced
// (model.Resource.SensitiveValues says why).
//
// Waivers, suppressions and the gate's own additions (mandatory rules,
// expired waivers, unknown wording) are composed after this from the
// configuration and comments, never from property values; related
// locations carry fixed texts.
func redactFindings(findings []model.Finding, doc *model.Document) {
	if len(findings) == 0 {
		return
	}
	redactorFor(doc).redact(findings)
}

// findingRedactor replaces a document's sensitive values in findings;
// nil when the document has none.
type findingRedactor struct{ red *model.Redactor }

// redactorFor collects the sensitive values of every resource of doc,
// each resource's on any core (it walks every value of the document),
// taken in the order of the resources.
func redactorFor(doc *model.Document) findingRedactor {
	each := make([][]string, len(doc.Resources))
	parallel.For(len(doc.Resources), 0, func(i int) {
		each[i] = doc.Resources[i].SensitiveValues()
	})
	var values []string
	for _, vs := range each {
		values = append(values, vs...)
	}
	if len(values) == 0 {
		return findingRedactor{}
	}
	return findingRedactor{model.NewRedactor(values)}
}

func (fr findingRedactor) redact(findings []model.Finding) {
	red := fr.red
	if red == nil {
		return
	}
	for i := range findings {
		f := &findings[i]
		f.Message = red.Redact(f.Message)
		f.UnknownReason = red.Redact(f.UnknownReason)
		for j := range f.Related {
			f.Related[j].Message = red.Redact(f.Related[j].Message)
		}
	}
}
