package cfn

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
)

// metadataSuppressions reads a resource's Metadata.stackgate.ignore:
//
//	Metadata:
//	  stackgate:
//	    ignore:
//	      - rule: s3-versioning
//	        reason: scratch data is rebuilt from the raw zone every night
//
// It is the inline suppression of JSON templates, which have no comments,
// and works in YAML too. Each entry covers the resource for one rule (or
// several, comma-separated) and needs a reason; a malformed one is an
// error at its line, never silently ignored. target is the line of the
// resource's logical id, the line suppressions of a resource aim at.
func (l *loader) metadataSuppressions(e entry, target int) []model.Suppression {
	ign := mapGet(mapGet(mapGet(e.decl, "Metadata"), "stackgate"), "ignore")
	if ign == nil {
		return nil
	}
	if ign.Kind != yaml.SequenceNode {
		l.errorf(ign, "resource %s: Metadata.stackgate.ignore must be a list of {rule, reason}", e.id)
		return nil
	}
	var out []model.Suppression
	for _, it := range ign.Content {
		rule, reason := mapGet(it, "rule"), mapGet(it, "reason")
		if it.Kind != yaml.MappingNode || rule == nil || rule.Kind != yaml.ScalarNode || strings.TrimSpace(rule.Value) == "" {
			l.errorf(it, "resource %s: each Metadata.stackgate.ignore entry needs a rule id (rule: s3-versioning)", e.id)
			continue
		}
		if reason == nil || reason.Kind != yaml.ScalarNode || strings.TrimSpace(reason.Value) == "" {
			l.errorf(it, "resource %s: the suppression of %s needs a reason (reason: why this is acceptable)", e.id, rule.Value)
			continue
		}
		for _, id := range strings.Split(rule.Value, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, model.Suppression{Rule: id, Reason: strings.TrimSpace(reason.Value),
					File: l.src.file, Line: it.Line, Target: target})
			}
		}
	}
	return out
}
