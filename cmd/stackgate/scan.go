package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/gate"
	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/report"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/terraform"
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
	g, loaded, err := fl.loadPaths(ctx, paths, stderr)
	if err != nil {
		return err
	}

	res := &report.Result{Tool: "stackgate", Version: versionString(), Rules: g.Rules()}
	sources := map[string][]byte{}
	var loadErrs []error
	var units []scanner.Loaded
	for _, l := range loaded {
		res.Notes = append(res.Notes, l.Notes...)
		switch {
		case l.Err != nil:
			loadErrs = append(loadErrs, l.Err)
		case !l.Skipped:
			units = append(units, l)
			for f, b := range l.Sources {
				sources[f] = b
			}
			res.Summary.Resources += len(l.Resources)
		}
	}
	res.Summary.Files = len(sources) // distinct files: a module shared by many roots counts once
	findings, evalErrs := evaluate(ctx, g, units, model.Context{Region: fl.region, AccountID: fl.account}, fl.jobs)
	loadErrs = append(loadErrs, evalErrs...)

	minRank := model.SeverityRank(fl.severity)
	for _, f := range findings {
		if model.SeverityRank(f.Severity) >= minRank {
			res.Findings = append(res.Findings, f)
		}
	}
	counts := res.Summary
	res.Summary = report.Summarize(res.Findings)
	res.Summary.Files, res.Summary.Resources = counts.Files, counts.Resources
	res.Summary.Environments = environments(res.Findings)
	res.Source = func(file string) ([]byte, error) {
		if b, ok := sources[file]; ok {
			return b, nil
		}
		return os.ReadFile(file)
	}

	// Errors go to stderr before the report, and the report says that some
	// files were not checked, so "No findings" is never read as "all clear".
	for _, e := range loadErrs {
		fmt.Fprintln(stderr, "error:", e)
	}
	if len(loadErrs) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d file(s) could not be checked; see the errors on stderr", len(loadErrs)))
	}

	if err := writeReport(&fl.commonFlags, res, stdout); err != nil {
		return err
	}
	if len(loadErrs) > 0 && !fl.allowParseErrors {
		return &codeError{code: exitError, err: fmt.Errorf("%d file(s) could not be checked", len(loadErrs))}
	}
	return exitFor(res)
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

// loadPaths discovers and loads what the paths hold while the rules
// compile, and returns the gate and every loaded unit (with its errors
// and notes). Shared by scan and inspect, so both see the same units.
func (fl *scanFlags) loadPaths(ctx context.Context, paths []string, stderr io.Writer) (*gate.Gate, []scanner.Loaded, error) {
	if err := fl.validate(); err != nil {
		return nil, nil, err
	}
	params, err := fl.cfnParams()
	if err != nil {
		return nil, nil, err
	}
	tfVars := map[string]string{}
	for _, v := range fl.tfVars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, nil, usageErr("--var %q: want name=value", v)
		}
		tfVars[name] = value
	}
	sp, err := fl.locate(paths[0])
	if err != nil {
		return nil, nil, err
	}
	type built struct {
		g   *gate.Gate
		err error
	}
	ready := make(chan built, 1)
	go func() {
		g, err := sp.build()
		ready <- built{g, err}
	}()
	excludes := append([]string(nil), fl.exclude...)
	if sp.cfgPath != "" {
		dir, _ := filepath.Abs(filepath.Dir(sp.cfgPath))
		for _, p := range sp.excludes {
			excludes = append(excludes, filepath.ToSlash(filepath.Join(dir, p)))
		}
	}
	cands, err := scanner.Discover(paths, scanner.DiscoverOptions{Exclude: excludes, NoGitignore: fl.noGitignore})
	if err != nil {
		if b := <-ready; b.err != nil {
			return nil, nil, b.err // a config error comes first
		}
		return nil, nil, &codeError{code: exitError, err: err}
	}
	prog := newProgress(stderr, fl.progress, len(cands))
	loaded := scanner.Load(ctx, cands, scanner.LoadOptions{
		CloudFormation: cfn.Options{Params: params, Region: fl.region, AccountID: fl.account},
		Terraform:      terraform.Options{Vars: tfVars, VarFiles: fl.tfVarFiles},
		Progress:       prog.update,
		Workers:        fl.jobs,
	})
	prog.done()
	b := <-ready
	if b.err != nil {
		return nil, nil, b.err
	}
	return b.g, loaded, nil
}

// evaluate checks every loaded file in parallel; the engine is shared and
// its queries were prepared once.
func evaluate(ctx context.Context, g *gate.Gate, units []scanner.Loaded, c model.Context, jobs int) ([]model.Finding, []error) {
	results := make([][]model.Finding, len(units))
	errs := make([]error, len(units))
	parallel.For(len(units), jobs, func(i int) {
		u := units[i]
		results[i], errs[i] = g.Check(ctx, unitOf(u, c))
		if errs[i] != nil {
			var me *model.Error
			if !errors.As(errs[i], &me) {
				errs[i] = fmt.Errorf("%s: %w", u.File, errs[i])
			}
		}
	})
	var all []model.Finding
	var errList []error
	for i := range units {
		all = append(all, results[i]...)
		if errs[i] != nil {
			errList = append(errList, errs[i])
		}
	}
	return all, errList
}

// unitOf is what the gate evaluates for one loaded file or root module.
func unitOf(l scanner.Loaded, c model.Context) gate.Unit {
	return gate.Unit{Path: l.File, Context: c, Resources: l.Resources, Suppressions: l.Suppressions}
}

func environments(fs []model.Finding) []string {
	set := map[string]bool{}
	for _, f := range fs {
		set[f.Environment] = true
	}
	out := make([]string, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
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
