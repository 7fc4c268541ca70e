package policies

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
)

// rulePackagePrefix is the Rego package prefix every rule lives under, so the
// engine can find rules without a registry: built-in and user rules alike.
const rulePackagePrefix = "stackgate.rules."

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ruleModule is a parsed rule: its Rego module, metadata and examples.
type ruleModule struct {
	rule   model.Rule
	module *ast.Module
	file   string
}

// moduleSet is every parsed module of a rule set, keyed by file name.
type moduleSet struct {
	modules map[string]*ast.Module // every module (tests only when tests)
	rules   []*ruleModule          // rule modules, sorted by id
	tests   bool                   // load *_test.rego too
}

// examples is the examples.yaml of a rule folder.
type examples struct {
	CloudFormation snippetPair `yaml:"cloudformation"`
	Terraform      snippetPair `yaml:"terraform"`
}

type snippetPair struct {
	Good string `yaml:"good"`
	Bad  string `yaml:"bad"`
}

func parseRego(file string, src []byte) (*ast.Module, error) {
	m, err := ast.ParseModuleWithOpts(file, string(src), ast.ParserOptions{
		ProcessAnnotation: true,
		RegoVersion:       ast.RegoV1,
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// loadFS parses every .rego file in fsys. displayRoot prefixes the file
// names shown in errors and findings ("policies" for the built-in rules, the
// directory the user gave for theirs).
func loadFS(fsys fs.FS, displayRoot string, builtinRules bool, set *moduleSet) error {
	type file struct {
		path, display string
		src           []byte
		module        *ast.Module
		err           error
		examples      examplesFile
	}
	var files []*file
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") || (!set.tests && strings.HasSuffix(p, "_test.rego")) {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, &file{path: p, display: filepath.Join(displayRoot, filepath.FromSlash(p)), src: src})
		return nil
	})
	if err != nil {
		return err
	}
	// Parsing is most of a cold start's rule loading (the deployment hook
	// pays it per container): spread it over the cores, with each rule's
	// examples.yaml (YAML decoding, a tenth as much again), then add the
	// modules in walk order so errors and duplicates read as before.
	parallel.For(len(files), 0, func(i int) {
		f := files[i]
		f.module, f.err = parseRego(f.display, f.src)
		if f.err == nil && isRuleModule(f.path, f.module) {
			f.examples = readExamplesFile(fsys, path.Join(path.Dir(f.path), "examples.yaml"))
		}
	})
	for _, f := range files {
		if f.err != nil {
			return f.err
		}
		if err := set.add(f.path, f.display, f.module, builtinRules, f.examples); err != nil {
			return err
		}
	}
	return nil
}

// isRuleModule reports whether the module at fsPath is a rule (not a test
// or a library): its package is under stackgate.rules.
func isRuleModule(fsPath string, m *ast.Module) bool {
	pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
	return !strings.HasSuffix(fsPath, "_test.rego") && strings.HasPrefix(pkg, rulePackagePrefix)
}

// add adds the module at fsPath and, for a rule module, its rule with the
// examples of its folder (ex).
func (s *moduleSet) add(fsPath, display string, m *ast.Module, builtinRules bool, ex examplesFile) error {
	if _, dup := s.modules[display]; dup {
		return fmt.Errorf("%s: loaded twice", display)
	}
	s.modules[display] = m
	if !isRuleModule(fsPath, m) {
		return nil
	}
	rule, err := ruleMetadata(display, m)
	if err != nil {
		return err
	}
	rule.Builtin = builtinRules
	rule.Package = m.Package.Path.String()
	if ex.err != nil {
		return fmt.Errorf("%s: %w", display, ex.err)
	} else if ex.found {
		rule.Remediation = withSnippets(rule.Remediation, ex.examples)
		rule.Examples = ex.examples
	}
	s.rules = append(s.rules, &ruleModule{rule: rule, module: m, file: display})
	return nil
}

// ruleMetadata reads the package METADATA annotation of a rule module.
func ruleMetadata(file string, m *ast.Module) (model.Rule, error) {
	var a *ast.Annotations
	for _, ann := range m.Annotations {
		if ann.Scope == "package" {
			a = ann
		}
	}
	errf := func(format string, args ...any) error {
		line := m.Package.Location.Row
		if a != nil && a.Location != nil {
			line = a.Location.Row
		}
		return model.Errorf(file, line, 0, format, args...)
	}
	if a == nil {
		return model.Rule{}, errf("rule package %s has no METADATA annotation (scope: package) with custom.id, severity and remediation", m.Package.Path)
	}
	c := a.Custom
	r := model.Rule{
		ID:             str(c["id"]),
		Title:          strings.TrimSpace(a.Title),
		Severity:       str(c["severity"]),
		Description:    strings.TrimSpace(a.Description),
		ResourceTypes:  strList(c["resource_types"]),
		Layers:         strList(c["layers"]),
		DefaultEnabled: c["default_enabled"] == true,
	}
	if len(a.RelatedResources) > 0 && a.RelatedResources[0].Ref.String() != "" {
		r.URL = a.RelatedResources[0].Ref.String()
	}
	if rem, ok := c["remediation"].(map[string]any); ok {
		r.Remediation = model.Remediation{
			CloudFormation: strings.TrimSpace(str(rem["cloudformation"])),
			Terraform:      strings.TrimSpace(str(rem["terraform"])),
		}
	}
	if p, ok := c["parameters"].(map[string]any); ok {
		r.Parameters = p
	}
	switch {
	case !ruleIDPattern.MatchString(r.ID):
		return r, errf("custom.id %q must be kebab-case (lowercase letters, digits and dashes)", r.ID)
	case r.Title == "":
		return r, errf("rule %s has no title", r.ID)
	case model.SeverityRank(r.Severity) == 0:
		return r, errf("rule %s: custom.severity %q must be critical, high, medium or low", r.ID, r.Severity)
	case r.Remediation.CloudFormation == "" && r.Remediation.Terraform == "":
		return r, errf("rule %s has no custom.remediation (cloudformation and/or terraform)", r.ID)
	}
	if len(r.Layers) == 0 {
		r.Layers = model.RuleLayers()
	}
	for _, l := range r.Layers {
		if !slices.Contains(model.RuleLayers(), l) {
			return r, errf("rule %s: custom.layers names %q; want editor, ci or deployment", r.ID, l)
		}
	}
	if len(r.ResourceTypes) == 0 {
		r.ResourceTypes = []string{"*"}
	}
	return r, nil
}

// examplesFile is what reading a rule folder's examples.yaml gave.
type examplesFile struct {
	examples model.Examples
	found    bool
	err      error
}

func readExamplesFile(fsys fs.FS, p string) examplesFile {
	ex, found, err := readExamples(fsys, p)
	return examplesFile{ex, found, err}
}

func readExamples(fsys fs.FS, p string) (model.Examples, bool, error) {
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		// A rule without examples.yaml is fine. errors.Is, not os.IsNotExist:
		// os.IsNotExist looks through *fs.PathError only, so an FS that wraps
		// its error (with %w) would be reported as a failure.
		if errors.Is(err, fs.ErrNotExist) {
			return model.Examples{}, false, nil
		}
		return model.Examples{}, false, err
	}
	var ex examples
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&ex); err != nil {
		return model.Examples{}, false, fmt.Errorf("%s: %w", p, err)
	}
	return model.Examples{
		CloudFormationGood: ex.CloudFormation.Good, CloudFormationBad: ex.CloudFormation.Bad,
		TerraformGood: ex.Terraform.Good, TerraformBad: ex.Terraform.Bad,
	}, true, nil
}

// withSnippets appends the good example to each language's fix sentence, so
// the fix a developer reads is concrete and written only once.
func withSnippets(r model.Remediation, ex model.Examples) model.Remediation {
	if ex.CloudFormationGood != "" {
		r.CloudFormation = strings.TrimSpace(r.CloudFormation + "\n\n" + strings.TrimRight(ex.CloudFormationGood, "\n"))
	}
	if ex.TerraformGood != "" {
		r.Terraform = strings.TrimSpace(r.Terraform + "\n\n" + strings.TrimRight(ex.TerraformGood, "\n"))
	}
	return r
}

func (s *moduleSet) sortAndCheck() error {
	sort.Slice(s.rules, func(i, j int) bool { return s.rules[i].rule.ID < s.rules[j].rule.ID })
	for i := 1; i < len(s.rules); i++ {
		if s.rules[i].rule.ID == s.rules[i-1].rule.ID {
			return fmt.Errorf("rule id %s is declared twice: %s and %s", s.rules[i].rule.ID, s.rules[i-1].file, s.rules[i].file)
		}
	}
	seen := map[string]string{}
	for _, r := range s.rules {
		if other, ok := seen[r.rule.Package]; ok {
			return fmt.Errorf("%s and %s both declare package %s: one rule per package", other, r.file, r.rule.Package)
		}
		seen[r.rule.Package] = r.file
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
