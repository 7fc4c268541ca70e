package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/internal/suggest"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/terraform"
	"github.com/stackgate/stackgate/workspace"
)

type scanFlags struct {
	commonFlags
	exclude          []string
	params           []string
	paramFiles       []string
	region           string
	account          string
	noGitignore      bool
	allowParseErrors bool
	progress         string
	jobs             int
	tfVars           []string
	tfVarFiles       []string
}

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	var fl scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Check CloudFormation templates and Terraform configurations (files or directories, recursively)",
		Long: `Scan checks every CloudFormation template and every Terraform root module under
the given paths (default: the current directory). YAML and JSON files are
recognised as templates by content; a directory of .tf files that no other
scanned directory calls as a local module is a root module, evaluated with its
variables, tfvars and modules as Terraform would.
Paths ignored by .gitignore files and by --exclude globs are skipped.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage, config or parse error.`,
		Example: `  stackgate scan examples/
  stackgate scan --format sarif --output stackgate.sarif .
  stackgate scan --env federal --param Environment=prod templates/data.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			return runScan(cmd.Context(), &fl, args, stdout, stderr)
		},
	}
	fl.registerScan(cmd)
	return cmd
}

func runScan(ctx context.Context, fl *scanFlags, paths []string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ws, lopts, err := fl.openPaths(paths, stderr)
	if err != nil {
		return err
	}
	// Each unit is checked as soon as it is loaded and its model dropped
	// (LoadAndCheck), so a large tree is never held in memory whole.
	units, res, err := ws.LoadAndCheck(ctx, paths, lopts.LoadOptions, workspace.CheckOptions{Layer: model.RuleLayerCI, Context: fl.context()})
	lopts.progressDone()
	// Everything is loaded: the syntax trees the Terraform loader keeps
	// for later loads would only hold memory while the report is written.
	terraform.ClearCaches()
	if err != nil {
		return &codeError{code: exitError, err: err} // a config error comes first
	}
	if err := fl.checkParams(units); err != nil {
		return err
	}
	return fl.report(ws, res, stdout, stderr, fl.allowParseErrors)
}

// context is what the flags say of the deployment target.
func (fl *scanFlags) context() model.Context {
	return model.Context{Region: fl.region, AccountID: fl.account}
}

// registerScan adds the common flags and those that choose and load files.
func (fl *scanFlags) registerScan(cmd *cobra.Command) {
	fl.register(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&fl.exclude, "exclude", nil, "skip paths matching this doublestar glob (repeatable), e.g. 'legacy/**'")
	f.StringArrayVar(&fl.params, "param", nil, "CloudFormation parameter value Name=Value (repeatable); overrides Default")
	f.StringArrayVar(&fl.paramFiles, "param-file", nil, "CloudFormation parameters file (AWS CLI JSON, template configuration, or Name: Value YAML)")
	f.StringArrayVar(&fl.tfVars, "var", nil, "Terraform input variable k=v (repeatable), as terraform -var")
	f.StringArrayVar(&fl.tfVarFiles, "var-file", nil, "Terraform variables file (repeatable), as terraform -var-file")
	f.StringVar(&fl.region, "region", "", "AWS region the templates deploy to (AWS::Region; checked by allowed-regions)")
	f.StringVar(&fl.account, "account", "", "AWS account id the templates deploy to (AWS::AccountId)")
	f.BoolVar(&fl.noGitignore, "no-gitignore", false, "do not skip paths listed in .gitignore files")
	f.BoolVar(&fl.allowParseErrors, "allow-parse-errors", false, "report unparseable files but do not fail with exit 2 because of them")
	f.IntVarP(&fl.jobs, "jobs", "j", 0, "files parsed and checked at once (default: number of CPUs)")
	f.StringVar(&fl.progress, "progress", "auto", "progress on stderr: auto (when stderr is a terminal), always, never")
}

// loadPaths opens the workspace and loads what the paths hold (while the
// rules compile), for inspect. scan loads the same units (openPaths), so
// both see the same.
func (fl *scanFlags) loadPaths(ctx context.Context, paths []string, stderr io.Writer) (*workspace.Workspace, []scanner.Loaded, error) {
	ws, lopts, err := fl.openPaths(paths, stderr)
	if err != nil {
		return nil, nil, err
	}
	units, err := ws.LoadPaths(ctx, paths, lopts.LoadOptions)
	lopts.progressDone()
	if _, gerr := ws.Gate(); gerr != nil {
		return nil, nil, &codeError{code: exitError, err: gerr} // a config error comes first
	}
	if err != nil {
		return nil, nil, &codeError{code: exitError, err: err}
	}
	if err := fl.checkParams(units); err != nil {
		return nil, nil, err
	}
	return ws, units, nil
}

// loadOptions are the load options the flags give, with the progress
// display that reports on them.
type loadOptions struct {
	workspace.LoadOptions
	progressDone func()
}

// openPaths validates the flags and opens the workspace (which starts
// compiling the rules) for loading paths.
func (fl *scanFlags) openPaths(paths []string, stderr io.Writer) (*workspace.Workspace, loadOptions, error) {
	if err := fl.validate(); err != nil {
		return nil, loadOptions{}, err
	}
	params, err := fl.cfnParams()
	if err != nil {
		return nil, loadOptions{}, err
	}
	tfVars := map[string]string{}
	for _, v := range fl.tfVars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, loadOptions{}, usageErr("--var %q: want name=value", v)
		}
		tfVars[name] = value
	}
	ws, err := fl.open(paths[0])
	if err != nil {
		return nil, loadOptions{}, err
	}
	prog := newProgress(stderr, fl.progress)
	return ws, loadOptions{
		LoadOptions: workspace.LoadOptions{
			Exclude:        fl.exclude,
			NoGitignore:    fl.noGitignore,
			CloudFormation: cfn.Options{Params: params, Region: fl.region, AccountID: fl.account},
			Terraform:      terraform.Options{Vars: tfVars, VarFiles: fl.tfVarFiles},
			Workers:        fl.jobs,
			Progress:       prog.update,
			DropSources:    !report.ShowsSource(fl.format),
			// one load per command: what a module's last caller has
			// read is not read again
			ReleaseModules: true,
		},
		progressDone: prog.done,
	}, nil
}

// checkParams makes a --param that names no parameter of any scanned
// template a usage error, as an unknown --var is: a typo would otherwise
// leave the parameter at its Default and the check would pass on values
// the deployment does not use. A parameter one template of several
// declares is fine. When a template could not be loaded its parameters
// are unknown, so nothing is concluded (the load error is reported).
// Parameter files are not checked: one file commonly serves many stacks.
func (fl *scanFlags) checkParams(units []scanner.Loaded) error {
	if len(fl.params) == 0 {
		return nil
	}
	declared := map[string]bool{}
	for _, u := range units {
		if u.Err != nil && u.Kind != scanner.KindTerraform {
			return nil
		}
		for _, p := range u.Parameters {
			declared[p] = true
		}
	}
	names := slices.Sorted(maps.Keys(declared))
	for _, p := range fl.params {
		name, _, _ := strings.Cut(p, "=")
		if declared[name] {
			continue
		}
		msg := fmt.Sprintf("--param %s: no scanned template declares a parameter named %q", name, name)
		if s := suggest.Closest(name, names); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", s)
		}
		return usageErr("%s", msg)
	}
	return nil
}

// cfnParams merges parameter files and --param values (flags win).
func (fl *scanFlags) cfnParams() (map[string]string, error) {
	params := map[string]string{}
	for _, file := range fl.paramFiles {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, usageErr("--param-file: %v", err)
		}
		ps, err := cfn.ParseParameterFile(file, src)
		if err != nil {
			return nil, &codeError{code: exitError, err: err}
		}
		for k, v := range ps {
			params[k] = v
		}
	}
	for _, p := range fl.params {
		name, value, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return nil, usageErr("--param %q: want Name=Value", p)
		}
		params[name] = value
	}
	return params, nil
}
