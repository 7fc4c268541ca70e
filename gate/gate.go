// Package gate turns rule results into a decision: it picks the environment
// a document belongs to, evaluates the environment's rules with the engine,
// and applies what stackgate.yaml says about them (enforcement, waivers,
// inline suppressions, mandatory rules, unknown handling). Every layer (CLI
// scan and plan, language server, deployment hook) calls Check, so the same
// input gets the same decision everywhere.
package gate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stackgate/stackgate/config"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
)

// WaiverExpiredRule is the metadata of the finding reported for a waiver
// whose expiry date has passed. It is never blocking by itself.
var WaiverExpiredRule = model.Rule{
	ID:          "waiver-expired",
	Title:       "Waivers must not outlive their expiry date",
	Severity:    model.SeverityLow,
	Description: "A waiver in stackgate.yaml has passed its expiry date. It no longer waives anything: the findings it covered count again. Renew it with a new date and a reason, or fix the finding and delete it.",
	Remediation: model.Remediation{
		CloudFormation: "Fix the finding the waiver covered and delete the waiver from stackgate.yaml, or extend its `expires` date after review.",
		Terraform:      "Fix the finding the waiver covered and delete the waiver from stackgate.yaml, or extend its `expires` date after review.",
	},
	ResourceTypes:  []string{"*"},
	Layers:         []string{"editor", "ci", "deployment"},
	DefaultEnabled: true,
	Builtin:        true,
}

// Gate evaluates documents under a configuration.
type Gate struct {
	Engine *policies.Engine
	Config *config.Config
	// EnvName overrides environment selection (--env) when set.
	EnvName string
	// Now is the clock for waiver expiry (time.Now when nil).
	Now func() time.Time
}

// Options tune a gate beyond its engine and configuration.
type Options struct {
	// Env evaluates every unit in this environment, whatever its path or
	// account selects (--env); it must exist in the configuration.
	Env string
	// Now is the clock for waiver expiry (time.Now when nil).
	Now func() time.Time
}

// New returns a gate deciding with engine under cfg. A configuration
// without a file is config.Default for the engine's rules.
func New(engine *policies.Engine, cfg *config.Config, opts Options) (*Gate, error) {
	if engine == nil || cfg == nil {
		return nil, fmt.Errorf("gate.New: engine and configuration are required")
	}
	if opts.Env != "" {
		if _, err := cfg.Environment(opts.Env); err != nil {
			return nil, err
		}
	}
	return &Gate{Engine: engine, Config: cfg, EnvName: opts.Env, Now: opts.Now}, nil
}

// Unit is what one loader produced for one evaluation: a template, a root
// module, a plan, a hook request.
type Unit struct {
	// Layer is where the unit is checked (model.RuleLayerEditor, CI or
	// Deployment): a rule runs only in the layers its metadata names, and
	// an unknown finding is worded for the layer.
	Layer string
	// Path selects the environment by path glob (editor and CI).
	Path string
	// AccountID selects the environment by account (hooks) when Path is empty.
	AccountID    string
	Context      model.Context
	Resources    []model.Resource
	Suppressions []model.Suppression
}

// Rules returns the full catalogue: the engine's rules plus waiver-expired.
func (g *Gate) Rules() []model.Rule {
	return append(g.Engine.Rules(), WaiverExpiredRule)
}

// Environment returns the environment a unit is evaluated in: the one
// --env names; at deployment, the one the target account selects
// (match.accounts, OUs, tags); in the editor and CI, the one the unit's
// path selects (match.paths).
func (g *Gate) Environment(u Unit) (*config.Environment, error) {
	switch {
	case g.EnvName != "":
		return g.Config.Environment(g.EnvName)
	case u.Layer == model.RuleLayerDeployment || (u.Path == "" && u.AccountID != ""):
		return g.Config.ForTarget(u.Target()), nil
	}
	return g.Config.ForPath(u.Path), nil
}

// Target is the deployment target a unit names, for environment
// selection at deployment.
func (u Unit) Target() config.Target {
	id := u.AccountID
	if id == "" {
		id = u.Context.AccountID
	}
	return config.Target{AccountID: id}
}

// Check evaluates one unit and returns its findings with enforcement,
// waivers and blocking decided. The options tune the engine's evaluation
// (policies.WithMemo), never its findings.
func (g *Gate) Check(ctx context.Context, u Unit, opts ...policies.EvalOption) ([]model.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, env, err := g.Document(u)
	if err != nil {
		return nil, err
	}
	if err := g.checkSuppressionRules(u.Suppressions); err != nil {
		return nil, err
	}
	findings, err := g.Engine.Evaluate(ctx, doc, opts...)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if g.Now != nil {
		now = g.Now()
	}
	d := decider{env: env, layer: u.Layer, waivers: g.Config.Waivers, now: now, resources: index(u.Resources), suppressions: u.Suppressions}
	for i := range findings {
		d.decide(&findings[i])
	}
	findings = append(findings, d.expiredWaivers()...)
	policies.SortFindings(findings)
	return findings, nil
}

// Document is the document the rules evaluate for a unit, in the
// environment it selects: the environment's rules that apply in the
// unit's layer (a rule whose metadata does not name the layer is not
// evaluated there).
func (g *Gate) Document(u Unit) (*model.Document, *config.Environment, error) {
	if !slices.Contains(model.RuleLayers(), u.Layer) {
		return nil, nil, fmt.Errorf("gate: unit %s has layer %q; want one of %s", u.Path, u.Layer, strings.Join(model.RuleLayers(), ", "))
	}
	env, err := g.Environment(u)
	if err != nil {
		return nil, nil, err
	}
	rules := make(map[string]map[string]any, len(env.Rules))
	for id, params := range env.Rules {
		if r, ok := g.Engine.Rule(id); ok && !slices.Contains(r.Layers, u.Layer) {
			continue
		}
		rules[id] = params
	}
	doc := &model.Document{
		Environment: model.Environment{Name: env.Name, Rules: rules},
		Context:     u.Context,
		Resources:   u.Resources,
	}
	return doc, env, nil
}

// checkSuppressionRules rejects inline suppressions naming no known rule:
// a typo there would silently suppress nothing.
func (g *Gate) checkSuppressionRules(sups []model.Suppression) error {
	for _, s := range sups {
		if _, ok := g.Engine.Rule(s.Rule); !ok {
			return model.Errorf(s.File, s.Line, 0, "stackgate:ignore names unknown rule %q (see `stackgate rules`)", s.Rule)
		}
	}
	return nil
}

func index(rs []model.Resource) map[string]*model.Resource {
	m := make(map[string]*model.Resource, len(rs))
	for i := range rs {
		m[rs[i].Address] = &rs[i]
	}
	return m
}

// Blocking reports whether any finding blocks.
func Blocking(fs []model.Finding) bool {
	for _, f := range fs {
		if f.Blocking {
			return true
		}
	}
	return false
}

// describe names a waiver's place in the config for messages.
func describe(w config.Waiver) string {
	return fmt.Sprintf("%s:%d", w.File, w.Line)
}
