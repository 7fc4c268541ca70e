package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
	"github.com/stackgate/stackgate/scanner/plan"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/scanner/tfmap"
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
	src, err := os.ReadFile(file)
	if err != nil {
		return usageErr("%v", err)
	}
	p, err := plan.Load(file, src)
	if err != nil {
		return &codeError{code: exitError, err: err}
	}
	dir := fl.dir
	if dir == "" && terraform.IsModuleDir(filepath.Dir(file)) {
		dir = filepath.Dir(file)
	}
	sources := map[string][]byte{file: src}
	var notes []string
	if dir != "" {
		mod, err := terraform.Load(dir, terraform.Options{Env: os.Environ()})
		if err != nil {
			return &codeError{code: exitError, err: err}
		}
		locateInConfig(p.Resources, mod.Resources)
		for f, b := range mod.Files {
			sources[f] = b
		}
		notes = append(notes, mod.Notes...)
	}
	resources, mapNotes := tfmap.Map(p.Resources, model.LayerPlan)
	notes = append(append(notes, p.Notes...), mapNotes...)

	start := dir
	if start == "" {
		start = file
	}
	g, err := fl.setup(start)
	if err != nil {
		return err
	}
	findings, err := g.Check(ctx, gate.Unit{Path: firstFile(resources, file), Context: model.Context{Region: p.Region}, Resources: resources})
	if err != nil {
		return &codeError{code: exitError, err: err}
	}
	res := &report.Result{Tool: "stackgate", Version: versionString(), Rules: g.Rules(), Notes: notes}
	minRank := model.SeverityRank(fl.severity)
	for _, f := range findings {
		if model.SeverityRank(f.Severity) >= minRank {
			res.Findings = append(res.Findings, f)
		}
	}
	res.Summary = report.Summarize(res.Findings)
	res.Summary.Files, res.Summary.Resources = 1, len(resources)
	res.Summary.Environments = environments(res.Findings)
	res.Source = func(f string) ([]byte, error) {
		if b, ok := sources[f]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: not read", f)
	}
	if err := writeReport(&fl.commonFlags, res, stdout); err != nil {
		return err
	}
	return exitFor(res)
}

// locateInConfig gives plan resources the source ranges of the same
// addresses in the configuration, so findings point at .tf lines.
func locateInConfig(planned, configured []tfmap.Resource) {
	byAddr := make(map[string]*tfmap.Resource, len(configured))
	for i := range configured {
		byAddr[configured[i].Address] = &configured[i]
	}
	for i := range planned {
		c, ok := byAddr[planned[i].Address]
		if !ok {
			continue
		}
		planned[i].File, planned[i].Range, planned[i].NameRange = c.File, c.Range, c.NameRange
		planned[i].CallSite, planned[i].Inputs = c.CallSite, c.Inputs
		planned[i].Ranges = c.Ranges
		if planned[i].Lifecycle == nil {
			planned[i].Lifecycle = c.Lifecycle
		}
	}
}

// firstFile picks the path that selects the environment: the configuration
// file of the first resource, else the plan file.
func firstFile(rs []model.Resource, fallback string) string {
	for _, r := range rs {
		if r.Origin.File != "" {
			return r.Origin.File
		}
	}
	return fallback
}
