package main

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/policies"
)

func newTestCmd(stdout io.Writer) *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the Rego unit tests of the built-in rules and of user rule directories",
		Long: `Test runs every *_test.rego of the built-in rule set and of the given user
rule directories with OPA's test runner. User rules are compiled together with
the built-in library (data.stackgate.lib), exactly as scans evaluate them.`,
		RunE: func(cmd *cobra.Command, dirs []string) error {
			e, err := policies.New(policies.WithTests(), policies.WithPolicyDirs(dirs...))
			if err != nil {
				return &codeError{code: exitError, err: err}
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ch, err := e.Test(ctx)
			if err != nil {
				return &codeError{code: exitError, err: err}
			}
			var results []*tester.Result
			for r := range ch {
				results = append(results, r)
			}
			sort.Slice(results, func(i, j int) bool {
				return results[i].Package+results[i].Name < results[j].Package+results[j].Name
			})
			failed := 0
			for _, r := range results {
				status := "PASS"
				switch {
				case r.Error != nil:
					status, failed = "ERROR", failed+1
				case r.Fail:
					status, failed = "FAIL", failed+1
				case r.Skip:
					status = "SKIP"
				}
				if verbose || status != "PASS" {
					fmt.Fprintf(stdout, "%-5s %s.%s (%s:%d)\n", status, r.Package, r.Name, r.Location.File, r.Location.Row)
					if r.Error != nil {
						fmt.Fprintf(stdout, "      %v\n", r.Error)
					}
				}
			}
			fmt.Fprintf(stdout, "%d tests, %d passed, %d failed\n", len(results), len(results)-failed, failed)
			if failed > 0 {
				return &codeError{code: exitBlocking}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every test, not only failures")
	return cmd
}
