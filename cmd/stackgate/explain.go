package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/internal/suggest"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
)

func newExplainCmd(stdout io.Writer) *cobra.Command {
	var policyDirs []string
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Show a rule's full guidance: what, why, parameters and the fix",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			e, err := policies.New(policies.WithPolicyDirs(policyDirs...))
			if err != nil {
				return &codeError{code: exitError, err: err}
			}
			r, ok := e.Rule(args[0])
			if !ok && args[0] == gate.WaiverExpiredRule.ID {
				r, ok = gate.WaiverExpiredRule, true
			}
			if !ok {
				ids := []string{gate.WaiverExpiredRule.ID}
				for _, r := range e.Rules() {
					ids = append(ids, r.ID)
				}
				if s := suggest.Closest(args[0], ids); s != "" {
					return usageErr("unknown rule %s; did you mean %s?", args[0], s)
				}
				sort.Strings(ids)
				return usageErr("unknown rule %q; rules are: %s", args[0], strings.Join(ids, ", "))
			}
			explain(stdout, r)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&policyDirs, "policy", nil, "directory of user Rego rules (repeatable)")
	return cmd
}

func explain(w io.Writer, r model.Rule) {
	fmt.Fprintf(w, "%s — %s\n\n", r.ID, r.Title)
	fmt.Fprintf(w, "Severity:        %s\n", r.Severity)
	on := "no (turn it on in an environment of stackgate.yaml)"
	if r.DefaultEnabled {
		on = "yes"
	}
	fmt.Fprintf(w, "On by default:   %s\n", on)
	fmt.Fprintf(w, "Resource types:  %s\n", strings.Join(r.ResourceTypes, ", "))
	fmt.Fprintf(w, "Layers:          %s\n", strings.Join(r.Layers, ", "))
	if r.URL != "" {
		fmt.Fprintf(w, "Reference:       %s\n", r.URL)
	}
	fmt.Fprintf(w, "\n%s\n", indent(r.Description, ""))
	if len(r.Parameters) > 0 {
		b, _ := json.MarshalIndent(r.Parameters, "  ", "  ")
		fmt.Fprintf(w, "\nParameters (JSON Schema, set under environments.<name>.rules.%s):\n  %s\n", r.ID, b)
	}
	section := func(title, text string) {
		if strings.TrimSpace(text) != "" {
			fmt.Fprintf(w, "\n%s:\n%s\n", title, indent(strings.TrimRight(text, "\n"), "  "))
		}
	}
	section("Fix (CloudFormation)", r.Remediation.CloudFormation)
	section("Non-compliant CloudFormation", r.Examples.CloudFormationBad)
	section("Fix (Terraform)", r.Remediation.Terraform)
	section("Non-compliant Terraform", r.Examples.TerraformBad)
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
