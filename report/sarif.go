package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stackgate/stackgate/policies/model"
)

// sarifFormat writes SARIF 2.1.0 with one run, shaped for GitHub code
// scanning: every catalogue rule is listed (so alerts keep their help text
// and closed alerts their rule), rules carry security-severity, results
// carry relative %SRCROOT% locations, the resource as a logical location,
// suppressions for waived findings and a partial fingerprint that survives
// edits which move the finding.
type sarifFormat struct{}

func (sarifFormat) name() string      { return "sarif" }
func (sarifFormat) showsSource() bool { return false }

const (
	// informationURI is the tool's home page in tool.driver.
	informationURI = "https://github.com/stackgate/stackgate"
	// srcRoot is the uriBaseId of relative artifact locations; GitHub
	// resolves it to the checkout.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names stackgate's partial fingerprint; the version
	// suffix changes only if the hashed fields change.
	fingerprintKey = "stackgate/v1"
)

func (sarifFormat) format(w io.Writer, res *Result, _ Options) error {
	tool := res.Tool
	if tool == "" {
		tool = "stackgate"
	}
	run := sarif.NewRunWithInformationURI(tool, informationURI)
	if res.Version != "" {
		run.Tool.Driver.Version = ptr(res.Version)
	}
	// Model columns count Unicode code points, not UTF-16 code units.
	run.ColumnKind = ptr("unicodeCodePoints")

	index := map[string]int{}
	addRule := func(r *model.Rule) {
		index[r.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(r))
	}
	for i := range res.Rules {
		if _, dup := index[res.Rules[i].ID]; !dup {
			addRule(&res.Rules[i])
		}
	}
	// A finding of a rule missing from the catalogue (a caller that passed
	// none) still needs a descriptor for its ruleIndex.
	for i := range res.Findings {
		f := &res.Findings[i]
		if _, ok := index[f.Rule]; !ok {
			addRule(&model.Rule{ID: f.Rule, Title: f.Title, Severity: f.Severity})
		}
	}
	dir := res.WorkDir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		run.AddResult(sarifResult(f, index[f.Rule], dir))
	}

	// executionSuccessful is false exactly when the run fails because of
	// its errors (exit 2); blocking findings (exit 1) are a successful
	// execution that found results. Each error is an error-level
	// notification at its file and line, also when --allow-parse-errors
	// lets the run pass: SARIF consumers read an error notification as
	// "the results may be incomplete", which they are.
	inv := sarif.NewInvocation()
	inv.ExecutionSuccessful = ptr(!res.failed())
	for _, e := range res.Errors {
		note := sarif.NewNotification()
		note.Level = sarif.LevelError
		note.Message = sarif.NewTextMessage(e.Message)
		if e.File != "" {
			phys := physicalLocation(&model.Finding{File: e.File, Line: e.Line, Column: e.Column}, dir)
			note.Locations = append(note.Locations, sarif.NewLocation().WithPhysicalLocation(phys))
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, note)
	}
	for _, n := range res.Notes {
		note := sarif.NewNotification()
		note.Level = sarif.LevelNote
		note.Message = sarif.NewTextMessage(n)
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, note)
	}
	run.Invocations = append(run.Invocations, inv)

	rep := sarif.NewReport()
	rep.AddRun(run)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// sarifRule is the reportingDescriptor of one rule.
func sarifRule(r *model.Rule) *sarif.ReportingDescriptor {
	d := sarif.NewRule(r.ID)
	title := r.Title
	if title == "" {
		title = r.ID
	}
	d.ShortDescription = sarif.NewMultiformatMessageString().WithText(title)
	desc := strings.TrimSpace(r.Description)
	if desc == "" {
		desc = title
	}
	d.FullDescription = sarif.NewMultiformatMessageString().WithText(desc)
	d.Help = sarif.NewMultiformatMessageString().WithText(helpText(r, desc)).WithMarkdown(helpMarkdown(r, desc))
	if r.URL != "" {
		d.HelpURI = ptr(r.URL)
	}
	cfg := sarif.NewReportingConfiguration()
	cfg.Level = severityLevel(r.Severity)
	d.DefaultConfiguration = cfg

	props := sarif.NewPropertyBag()
	props.Tags = append(props.Tags, "security", "iac")
	for _, t := range r.ResourceTypes {
		if t != "*" {
			props.Tags = append(props.Tags, t)
		}
	}
	props.Properties["security-severity"] = securitySeverity(r.Severity)
	if r.Severity != "" {
		props.Properties["severity"] = r.Severity
	}
	d.Properties = props
	return d
}

// helpText is the plain-text help: the description and the fix for both
// source languages.
func helpText(r *model.Rule, desc string) string {
	var b strings.Builder
	b.WriteString(desc)
	if fix := strings.TrimSpace(r.Remediation.CloudFormation); fix != "" {
		b.WriteString("\n\nFix (CloudFormation): " + fix)
	}
	if fix := strings.TrimSpace(r.Remediation.Terraform); fix != "" {
		b.WriteString("\n\nFix (Terraform): " + fix)
	}
	return b.String()
}

// helpMarkdown is the Markdown help GitHub shows under an alert: the
// description, the fix per language and the compliant examples (unless the
// fix already quotes them, as catalogue remediations do).
func helpMarkdown(r *model.Rule, desc string) string {
	parts := []string{desc}
	cfn := mdFix("CloudFormation", r.Remediation.CloudFormation, "yaml")
	tf := mdFix("Terraform", r.Remediation.Terraform, "hcl")
	if cfn != "" || tf != "" {
		parts = append(parts, "## Fix")
	}
	parts = append(parts, cfn, tf,
		mdExample("Compliant CloudFormation", r.Examples.CloudFormationGood, r.Remediation.CloudFormation, "yaml"),
		mdExample("Compliant Terraform", r.Examples.TerraformGood, r.Remediation.Terraform, "hcl"))
	if r.URL != "" {
		parts = append(parts, "[Documentation]("+r.URL+")")
	}
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// mdFix renders one language's fix. A remediation is a sentence, optionally
// followed by a blank line and a snippet: the sentence stays prose and the
// snippet becomes a code block.
func mdFix(lang, fix, syntax string) string {
	fix = strings.TrimSpace(fix)
	if fix == "" {
		return ""
	}
	prose, code, _ := strings.Cut(fix, "\n\n")
	if strings.Contains(prose, "\n") && code == "" {
		prose, code = "", prose
	}
	s := "**" + lang + ":**"
	if prose != "" {
		s += " " + prose
	}
	if code = strings.TrimSpace(code); code != "" {
		s += "\n\n" + fence(code, syntax)
	}
	return s
}

// mdExample renders a compliant example under a heading, or nothing when
// the fix already shows it.
func mdExample(heading, code, fix, syntax string) string {
	code = strings.TrimSpace(code)
	if code == "" || strings.Contains(fix, code) {
		return ""
	}
	return "### " + heading + "\n\n" + fence(code, syntax)
}

// fence wraps code in a Markdown code block whose fence is longer than any
// run of backticks inside it.
func fence(code, syntax string) string {
	longest, run := 0, 0
	for _, c := range code {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + syntax + "\n" + code + "\n" + f
}

// sarifResult is the result object of one finding; dir is the directory
// relative file names are relative to.
func sarifResult(f *model.Finding, ruleIndex int, dir string) *sarif.Result {
	r := sarif.NewRuleResult(f.Rule).WithRuleIndex(ruleIndex).WithLevel(sarifLevel(f))
	r.Message = sarif.NewTextMessage(f.Message)

	loc := sarif.NewLocation()
	if f.File != "" {
		loc.PhysicalLocation = physicalLocation(f, dir)
	}
	if f.Resource != "" {
		ll := sarif.NewLogicalLocation()
		ll.Name = ptr(f.Resource)
		ll.FullyQualifiedName = ptr(f.Resource)
		ll.Kind = ptr("resource")
		if f.ResourceType != "" || f.Root != "" {
			ll.Properties = sarif.NewPropertyBag()
		}
		if f.ResourceType != "" {
			ll.Properties.Properties["resourceType"] = f.ResourceType
		}
		if f.Root != "" {
			ll.Properties.Properties["rootModule"] = f.Root
		}
		loc.LogicalLocations = append(loc.LogicalLocations, ll)
	}
	r.AddLocation(loc)
	for i, rel := range f.Related {
		if rel.File == "" {
			continue
		}
		phys := physicalLocation(&model.Finding{File: rel.File, Line: rel.Line, Column: rel.Column, EndLine: rel.EndLine, EndColumn: rel.EndColumn}, dir)
		rl := sarif.NewLocation().WithPhysicalLocation(phys)
		rl.ID = i + 1
		rl.Message = sarif.NewTextMessage(rel.Message)
		r.AddRelatedLocation(rl)
	}

	if f.Waived != nil {
		s := sarif.NewSuppression()
		s.Kind = ptr("external")
		if f.Waived.Kind == "inline" {
			s.Kind = ptr("inSource")
		}
		s.Status = ptr("accepted")
		if f.Waived.Reason != "" {
			s.Justification = ptr(f.Waived.Reason)
		}
		if f.Waived.Owner != "" || f.Waived.Expires != "" {
			s.Properties = sarif.NewPropertyBag()
			if f.Waived.Owner != "" {
				s.Properties.Properties["owner"] = f.Waived.Owner
			}
			if f.Waived.Expires != "" {
				s.Properties.Properties["expires"] = f.Waived.Expires
			}
		}
		r.Suppressions = append(r.Suppressions, s)
	}

	r.PartialFingerprints = map[string]string{fingerprintKey: fingerprint(f, dir)}

	props := sarif.NewPropertyBag()
	for k, v := range map[string]any{
		"status":      f.Status,
		"severity":    f.Severity,
		"environment": f.Environment,
		"enforcement": f.Enforcement,
		"path":        f.Path,
	} {
		if v != "" {
			props.Properties[k] = v
		}
	}
	props.Properties["blocking"] = f.Blocking
	r.Properties = props
	return r
}

// physicalLocation is the file and region of a finding (or of a related
// location given as one).
func physicalLocation(f *model.Finding, dir string) *sarif.PhysicalLocation {
	phys := sarif.NewPhysicalLocation()
	uri, relative := artifactURI(f.File, dir)
	al := sarif.NewArtifactLocation().WithURI(uri)
	if relative {
		al.URIBaseID = ptr(srcRoot)
	}
	phys.ArtifactLocation = al
	phys.Region = sarifRegion(f)
	return phys
}

// sarifRegion is the finding's range; SARIF columns, like the model's, are
// 1-based with an exclusive end.
func sarifRegion(f *model.Finding) *sarif.Region {
	if f.Line < 1 {
		return nil
	}
	reg := sarif.NewRegion()
	reg.StartLine = ptr(f.Line)
	endLine := f.Line
	if f.EndLine > f.Line {
		endLine = f.EndLine
	}
	reg.EndLine = ptr(endLine)
	if f.Column > 0 {
		reg.StartColumn = ptr(f.Column)
		if f.EndColumn > 0 && (endLine > f.Line || f.EndColumn > f.Column) {
			reg.EndColumn = ptr(f.EndColumn)
		}
	}
	return reg
}

// artifactURI turns a file name into a URI reference with forward
// slashes, relative to %SRCROOT%, the directory stackgate ran in (dir), so
// that alert paths and fingerprints are the same on every machine and no
// absolute path of the build machine leaks into the log. An absolute name
// is made relative to dir, with ".." segments when it is outside; only a
// name that has no relative form (another Windows drive, or no dir) stays
// an absolute file URI.
func artifactURI(file, dir string) (uri string, relative bool) {
	p, relative := sarifPath(file, dir)
	if !relative {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x -> /C:/x
		}
		u := url.URL{Scheme: "file", Path: p}
		return u.String(), false
	}
	u := url.URL{Path: p}
	return u.String(), true
}

// sarifPath is file as a clean slash-separated path relative to dir, and
// whether it is relative; see artifactURI.
func sarifPath(file, dir string) (string, bool) {
	if file == "" {
		return "", true
	}
	p := path.Clean(strings.ReplaceAll(file, `\`, "/"))
	if !isAbsPath(p) {
		return p, true
	}
	d := path.Clean(strings.ReplaceAll(dir, `\`, "/"))
	if dir == "" || !isAbsPath(d) {
		return p, false
	}
	if rel, ok := relPath(d, p); ok {
		return rel, true
	}
	return p, false
}

// isAbsPath reports an absolute slash path: /x or a Windows drive C:/x.
func isAbsPath(p string) bool {
	return strings.HasPrefix(p, "/") || hasDrive(p)
}

func hasDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z')
}

// relPath is target relative to base, both clean absolute slash paths; not
// ok when they are on different Windows drives.
func relPath(base, target string) (string, bool) {
	if hasDrive(base) != hasDrive(target) || hasDrive(base) && base[0]|0x20 != target[0]|0x20 {
		return "", false
	}
	split := func(p string) []string {
		if hasDrive(p) {
			p = p[2:]
		}
		var out []string
		for _, s := range strings.Split(p, "/") {
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	b, t := split(base), split(target)
	n := 0
	for n < len(b) && n < len(t) && b[n] == t[n] {
		n++
	}
	parts := make([]string, 0, len(b)-n+len(t)-n)
	for range b[n:] {
		parts = append(parts, "..")
	}
	parts = append(parts, t[n:]...)
	if len(parts) == 0 {
		return ".", true
	}
	return strings.Join(parts, "/"), true
}

// fingerprint identifies a finding across runs independently of its line:
// the rule, the resource, the file (as the log names it, relative to dir)
// and the property path.
func fingerprint(f *model.Finding, dir string) string {
	file, _ := sarifPath(f.File, dir)
	h := sha256.New()
	for _, s := range []string{f.Rule, f.Resource, file, f.Path} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func ptr[T any](v T) *T { return &v }
