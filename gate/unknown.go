package gate

import (
	"strings"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/policies/model"
)

// unknownMessage is the one wording of a finding whose rule could not
// decide: the rule's message, what is unknown, and who decides, in every
// layer and every output format. Before deployment the deploy-time hook,
// which sees resolved values, decides; at deployment a value still unknown
// (a dynamic reference resolved only by the service) is decided by the
// environment's unknown setting alone.
func unknownMessage(msg, reason, layer string, env *config.Environment) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(msg))
	if reason != "" {
		b.WriteString(" Unknown: " + strings.TrimSuffix(reason, ".") + ".")
	}
	blocks := env.Unknown == "block" && env.Enforcement == model.EnforcementBlock
	switch {
	case layer == model.RuleLayerDeployment && blocks:
		b.WriteString(" The value is still unknown at deployment, and environment " + env.Name + " blocks what it cannot check (unknown: block).")
	case layer == model.RuleLayerDeployment:
		b.WriteString(" The value is still unknown at deployment, so this rule could not check it.")
	case blocks:
		b.WriteString(" Not decided here: a value this rule needs is known only at deploy time, and environment " + env.Name + " blocks until it is known (unknown: block).")
	default:
		b.WriteString(" Not decided here: a value this rule needs is known only at deploy time; the deploy-time hook will decide.")
	}
	return b.String()
}
