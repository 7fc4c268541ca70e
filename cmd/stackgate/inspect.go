package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/policies"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/workspace"
)

// newInspectCmd shows what the rules see: for rule authors, and for anyone
// asking why a rule decided as it did on a Terraform resource, whose
// CloudFormation shape is made by the mapping.
func newInspectCmd(stdout, stderr io.Writer) *cobra.Command {
	var fl scanFlags
	cmd := &cobra.Command{
		Use:   "inspect [PATH...]",
		Short: "Print the rule input (the resource model) for templates and Terraform root modules",
		Long: `Inspect loads the given paths exactly as scan does (same discovery, flags and
configuration) and prints, for every template and root module, the document the
rules evaluate: input.environment, input.context and input.resources, each
resource in CloudFormation shape with its unknown paths (and why) and its
references. Write a rule against this shape.

Sensitive values (Terraform sensitive values, NoEcho parameters, and properties
named like passwords, secrets, tokens or private keys) are shown as "(sensitive)".

Exit codes: 0, or 2 when a path cannot be loaded.`,
		Example: `  stackgate inspect examples/terraform/lake
  stackgate inspect --env federal templates/data.yaml | jq '.[0].input.resources[0].properties'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("format") {
				return usageErr("inspect always prints JSON; --format does not apply")
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			return runInspect(cmd.Context(), &fl, args, stdout, stderr)
		},
	}
	fl.registerScan(cmd)
	return cmd
}

// inspected is one unit's document.
type inspected struct {
	File  string          `json:"file"`
	Kind  string          `json:"kind"`
	Input json.RawMessage `json:"input"`
}

func runInspect(ctx context.Context, fl *scanFlags, paths []string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ws, loaded, err := fl.loadPaths(ctx, paths, stderr)
	if err != nil {
		return err
	}
	g, err := ws.Gate()
	if err != nil {
		return &codeError{code: exitError, err: err}
	}
	out := []inspected{}
	failed := 0
	for _, l := range loaded {
		for _, n := range l.Notes {
			fmt.Fprintln(stderr, "note:", n)
		}
		switch {
		case l.Err != nil:
			fmt.Fprintln(stderr, "error:", l.Err)
			failed++
			continue
		case l.Skipped:
			continue
		}
		u := workspace.UnitOf(l, model.RuleLayerCI, fl.context())
		redacted := make([]model.Resource, len(u.Resources))
		for i, r := range u.Resources {
			redacted[i] = r.Redact()
		}
		u.Resources = redacted
		doc, _, err := g.Document(u)
		if err != nil {
			return &codeError{code: exitError, err: err}
		}
		b, err := policies.InputJSON(doc)
		if err != nil {
			return &codeError{code: exitError, err: fmt.Errorf("%s: %w", l.File, err)}
		}
		out = append(out, inspected{File: l.File, Kind: string(l.Kind), Input: b})
	}
	err = fl.writeOutput(stdout, func(w io.Writer, _ bool) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return &codeError{code: exitError, err: fmt.Errorf("%d file(s) could not be loaded", failed)}
	}
	return nil
}
