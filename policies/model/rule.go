package model

// Rule is the metadata of one rule, read from the METADATA annotation of its
// Rego package. Built-in and user rules carry the same metadata.
type Rule struct {
	// ID is the stable kebab-case id (public interface).
	ID          string `json:"id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	// Remediation is the concrete fix, per source language.
	Remediation Remediation `json:"remediation"`
	// ResourceTypes the rule inspects (CloudFormation types, globs allowed;
	// "*" for rules that apply to every resource).
	ResourceTypes []string `json:"resource_types"`
	// Layers where the rule applies: editor, ci, deployment.
	Layers []string `json:"layers"`
	// DefaultEnabled rules are on (and block) without any configuration:
	// the environment-neutral ones. Others need an environment to list them.
	DefaultEnabled bool `json:"default_enabled"`
	// Parameters is a JSON Schema for the rule's parameter object in
	// stackgate.yaml; nil when the rule takes no parameters.
	Parameters map[string]any `json:"parameters,omitempty"`
	// URL of the rule's documentation.
	URL string `json:"url,omitempty"`
	// Builtin is false for rules loaded from a user policy directory.
	Builtin bool `json:"builtin"`
	// Package is the Rego package path (data.stackgate.rules.<name>).
	Package string `json:"package"`
	// Examples are the good and bad snippets of the rule's examples.yaml.
	Examples Examples `json:"examples"`
}

// Examples are a rule's good and bad snippets per source language; the fix
// text and the docs are generated from them.
type Examples struct {
	CloudFormationGood string `json:"cloudformation_good,omitempty"`
	CloudFormationBad  string `json:"cloudformation_bad,omitempty"`
	TerraformGood      string `json:"terraform_good,omitempty"`
	TerraformBad       string `json:"terraform_bad,omitempty"`
}

// Remediation is a fix per source language.
type Remediation struct {
	CloudFormation string `json:"cloudformation"`
	Terraform      string `json:"terraform"`
}

// For returns the fix for the given layer's language.
func (r Remediation) For(layer string) string {
	switch layer {
	case LayerTerraform, LayerPlan:
		if r.Terraform != "" {
			return r.Terraform
		}
	default:
		if r.CloudFormation != "" {
			return r.CloudFormation
		}
	}
	if r.Terraform != "" {
		return r.Terraform
	}
	return r.CloudFormation
}

// The layers a rule's metadata may name: where in a change's life the rule
// is enforced. They are not the source kinds of Origin.Layer: a plan and a
// Terraform module are both checked in CI.
const (
	RuleLayerEditor     = "editor"
	RuleLayerCI         = "ci"
	RuleLayerDeployment = "deployment"
)

// RuleLayers lists every rule layer, in the order a change meets them.
func RuleLayers() []string {
	return []string{RuleLayerEditor, RuleLayerCI, RuleLayerDeployment}
}
