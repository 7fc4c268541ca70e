package main

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/plan"
	"github.com/stackgate/stackgate/workspace"
)

type planFlags struct {
	commonFlags
	dir string
}

func newPlanCmd(stdout, stderr io.Writer) *cobra.Command {
	var fl planFlags
	cmd := &cobra.Command{
		Use:   "plan PLAN.json",
		Short: "Check a Terraform plan (terraform show -json): real actions, unknowns and drift",
		Long: `Plan checks the resource changes of a Terraform plan in JSON form
(terraform plan -out tfplan && terraform show -json tfplan > plan.json): every
create, update, replace and delete with its before and after values, values
known only after apply, and drift Terraform found while refreshing. With the
configuration beside the plan (or --dir), findings point at the .tf line.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage, config or parse error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPlan(cmd.Context(), &fl, args[0], stdout, stderr)
		},
	}
	fl.register(cmd)
	cmd.Flags().StringVar(&fl.dir, "dir", "", "directory of the Terraform configuration (default: the plan's directory, when it holds .tf files)")
	return cmd
}

func runPlan(ctx context.Context, fl *planFlags, file string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := fl.validate(); err != nil {
		return err
	}
	src, err := plan.ReadFile(file)
	var me *model.Error
	if errors.As(err, &me) {
		return &codeError{code: exitError, err: err} // over plan.MaxSize
	}
	if err != nil {
		return usageErr("%v", err)
	}
	start := fl.dir
	if start == "" {
		start = file
	}
	ws, err := fl.open(start)
	if err != nil {
		return err
	}
	unit, err := ws.LoadPlan(ctx, file, src, workspace.PlanOptions{Dir: fl.dir, DropSources: !report.ShowsSource(fl.format)})
	if _, gerr := ws.Gate(); gerr != nil {
		return &codeError{code: exitError, err: gerr}
	}
	if err != nil {
		return &codeError{code: exitError, err: err}
	}
	res, err := ws.Check(ctx, []scanner.Loaded{unit}, workspace.CheckOptions{Layer: model.RuleLayerCI, ReleaseResources: true})
	if err != nil {
		return &codeError{code: exitError, err: err}
	}
	return fl.report(ws, res, stdout, stderr, false)
}
