package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
)

func newRulesCmd(stdout io.Writer) *cobra.Command {
	var format string
	var policyDirs []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalogue (built-in and user rules)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			e, err := policies.New(policies.WithPolicyDirs(policyDirs...))
			if err != nil {
				return &codeError{code: exitError, err: err}
			}
			rules := append(e.Rules(), gate.WaiverExpiredRule)
			sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
			switch format {
			case "table":
				return rulesTable(stdout, rules)
			case "json":
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			case "markdown":
				return rulesMarkdown(stdout, rules)
			}
			return usageErr("--format %q: want table, json or markdown", format)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "table, json or markdown")
	cmd.Flags().StringArrayVar(&policyDirs, "policy", nil, "directory of user Rego rules (repeatable)")
	return cmd
}

func rulesTable(w io.Writer, rules []model.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tDEFAULT\tTYPES\tTITLE")
	for _, r := range rules {
		def := "-"
		if r.DefaultEnabled {
			def = "on"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, def, strings.Join(r.ResourceTypes, ","), r.Title)
	}
	return tw.Flush()
}

// rulesMarkdown renders the catalogue for the README, so the docs are
// generated from the rule metadata and never written twice.
func rulesMarkdown(w io.Writer, rules []model.Rule) error {
	fmt.Fprintln(w, "| id | severity | on without config | resource types | what it requires |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rules {
		def := "no"
		if r.DefaultEnabled {
			def = "yes"
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", r.ID, r.Severity, def, "`"+strings.Join(r.ResourceTypes, "`, `")+"`", r.Title)
	}
	return nil
}
