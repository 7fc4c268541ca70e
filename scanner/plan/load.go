package plan

import (
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stackgate/stackgate/internal/parallel"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

// Plan is a loaded Terraform plan.
type Plan struct {
	// File is the plan file as given to Load.
	File string
	// FormatVersion and TerraformVersion are the plan's own.
	FormatVersion, TerraformVersion string
	// Resources has one entry per resource_changes entry (managed
	// resources, and data sources with Mode "data"), in plan order, then
	// one per resource that only resource_drift names and that drifted.
	// Every one has Change set.
	Resources []tfmap.Resource
	// Region is the region of the default (unaliased) aws provider
	// configuration, when the configuration gives it as a constant.
	Region string
	// Notes say what was not checked and why. They never hold values.
	Notes []string
}

// Load decodes a plan written by `terraform show -json PLANFILE`. file
// names it in errors and origins. Errors are *model.Error, with the line
// and column of JSON syntax errors. Without the configuration's source,
// what a value known only after apply is computed from is judged from the
// plan alone (see [builder.reference]); [LoadWithConfig] reads the .tf
// files as well.
func Load(file string, src []byte) (*Plan, error) {
	b, err := newBuilder(file, src)
	if err != nil {
		return nil, err
	}
	return b.build()
}

// newBuilder decodes a plan and indexes its configuration section.
func newBuilder(file string, src []byte) (*builder, error) {
	if len(src) > MaxSize {
		return nil, tooLarge(file, int64(len(src)))
	}
	// Where each entry is in the text is found beside the decoding, on
	// another core: it reads only the text (locateEntries never fails),
	// with a line index of its own. build waits for it. decode's index
	// finds the lines only if it reports an error.
	x := &lineIndex{file: file, src: src, curCol: 1}
	spans := make(chan [2][]entrySpan, 1)
	go func() {
		changes, drift := locateEntries(newLineIndex(file, src))
		spans <- [2][]entrySpan{changes, drift}
	}()
	tp, err := decode(x)
	if err != nil {
		<-spans // no goroutine outlives Load
		return nil, err
	}
	b := &builder{
		file:  file,
		tp:    tp,
		plan:  &Plan{File: file, FormatVersion: tp.FormatVersion, TerraformVersion: tp.TerraformVersion},
		cfg:   indexConfig(tp.Config),
		spans: spans,
	}
	// sized for every entry at once: filled on one core, growing by
	// steps would rehash them again and again
	b.rv = &resolver{cfg: b.cfg, instances: make(map[string]bool, len(tp.ResourceChanges)+len(tp.ResourceDrift))}
	for _, rc := range tp.ResourceChanges {
		if rc != nil {
			b.rv.instances[rc.Address] = true
		}
	}
	for _, rc := range tp.ResourceDrift {
		if rc != nil {
			b.rv.instances[rc.Address] = true
		}
	}
	return b, nil
}

// build turns the decoded plan into the Plan.
func (b *builder) build() (*Plan, error) {
	tp, file := b.tp, b.file
	var regionNotes []string
	b.regions, regionNotes = b.cfg.regions(tp.Variables)
	b.plan.Region = b.regions["aws"]
	b.plan.Notes = append(b.plan.Notes, regionNotes...)

	located := <-b.spans
	changeSpans, driftSpans := located[0], located[1]
	// Each entry is built from the entry, the configuration and the
	// plan's instances alone, on every core; the results (notes, errors)
	// are taken in plan order, as one loop would.
	// Each resource is written to its entry's slot at once (not kept as
	// well as copied), and the slots are then closed up in place.
	slots := make([]tfmap.Resource, len(tp.ResourceChanges))
	built := make([]bool, len(tp.ResourceChanges))
	errs := make([]error, len(tp.ResourceChanges))
	notes := make([][]string, len(tp.ResourceChanges))
	parallel.For(len(tp.ResourceChanges), 0, func(i int) {
		rc := tp.ResourceChanges[i]
		if rc == nil {
			return
		}
		var sp *entrySpan
		if i < len(changeSpans) {
			sp = &changeSpans[i]
		}
		built[i], errs[i] = b.resource(&slots[i], rc, sp, &notes[i])
	})
	n := 0
	byAddr := make(map[string]int, len(slots))
	for i := range slots {
		b.plan.Notes = append(b.plan.Notes, notes[i]...)
		if errs[i] != nil {
			return nil, errs[i]
		}
		if !built[i] {
			continue
		}
		r := &slots[i]
		if _, dup := byAddr[r.Address]; dup {
			return nil, model.Errorf(file, r.NameRange.Start.Line, r.NameRange.Start.Column, "invalid plan: resource_changes lists %s twice", r.Address)
		}
		byAddr[r.Address] = n
		if n != i {
			slots[n], slots[i] = slots[i], tfmap.Resource{}
		}
		n++
	}
	if n > 0 {
		b.plan.Resources = slots[:n]
	}
	for i, rc := range tp.ResourceDrift {
		if rc == nil || rc.Change == nil || rc.DeposedKey != "" {
			continue
		}
		var sp *entrySpan
		if i < len(driftSpans) {
			sp = &driftSpans[i]
		}
		b.drift(rc, sp, byAddr)
	}
	return b.plan, nil
}

// builder holds what building the resources of one plan shares.
type builder struct {
	file    string
	tp      *tfjson.Plan
	plan    *Plan
	cfg     *configIndex
	rv      *resolver
	regions map[string]string
	// source holds the resources the HCL evaluator loaded from the
	// configuration's .tf files, by address; nil without them.
	source map[string]*tfmap.Resource
	// spans receives, once, where the resource_changes and
	// resource_drift entries are (locateEntries).
	spans <-chan [2][]entrySpan
}

func (b *builder) notef(format string, args ...any) {
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(format, args...))
}

// action maps Terraform's action list to the model's action.
func action(a tfjson.Actions) (string, bool) {
	switch {
	case a.Replace():
		return model.ActionReplace, true
	case a.Create():
		return model.ActionCreate, true
	case a.Update():
		return model.ActionUpdate, true
	case a.Delete():
		return model.ActionDelete, true
	case a.NoOp():
		return model.ActionNone, true
	case a.Read():
		return model.ActionRead, true
	}
	return "", false
}

// resource builds in r the resource of one resource_changes entry (its
// slot in the plan's resources, not a copy made elsewhere first); false
// when the entry is not one to check (a deposed object, a forgotten
// resource). Its notes are appended to notes; it changes nothing in b,
// so entries can be built at the same time.
func (b *builder) resource(r *tfmap.Resource, rc *tfjson.ResourceChange, sp *entrySpan, notes *[]string) (bool, error) {
	at := func() (int, int) {
		if sp == nil {
			return 0, 0
		}
		return sp.address.Start.Line, sp.address.Start.Column
	}
	if rc.Address == "" || rc.Type == "" || rc.Change == nil {
		l, c := at()
		return false, model.Errorf(b.file, l, c, "invalid plan: a resource_changes entry lacks address, type or change")
	}
	if rc.DeposedKey != "" {
		*notes = append(*notes, fmt.Sprintf("%s: deposed object %s is destroyed by this plan; not checked", rc.Address, rc.DeposedKey))
		return false, nil
	}
	if rc.Change.Actions.Forget() {
		*notes = append(*notes, fmt.Sprintf("%s is removed from the state without being destroyed; not checked", rc.Address))
		return false, nil
	}
	act, ok := action(rc.Change.Actions)
	if !ok {
		l, c := at()
		return false, model.Errorf(b.file, l, c, "unsupported actions %v for %s; stackgate knows create, update, delete, replace, no-op and read", []tfjson.Action(rc.Change.Actions), rc.Address)
	}
	steps, ok := parseModule(rc.ModuleAddress)
	if !ok {
		l, c := at()
		return false, model.Errorf(b.file, l, c, "invalid plan: module_address of %s is not a module address", rc.Address)
	}
	ch := rc.Change
	before := asObject(normalize(ch.Before))
	after := asObject(normalize(ch.After))
	*r = tfmap.Resource{
		Address: rc.Address,
		Type:    rc.Type,
		Name:    rc.Name,
		Module:  rc.ModuleAddress,
		Mode:    string(rc.Mode),
		Attrs:   after,
		File:    b.file,
		Change: &model.Change{
			Action:       act,
			Before:       before,
			ReplacePaths: replacePaths(ch.ReplacePaths),
			Reason:       string(rc.ActionReason),
		},
	}
	if act == model.ActionDelete {
		r.Attrs = before
	}
	if sp != nil {
		r.Range, r.NameRange = sp.whole, sp.address
	}
	unknown := []string(nil)
	if act != model.ActionDelete {
		unknown = flagged(ch.AfterUnknown)
	}
	if len(before) == 0 {
		r.Change.ChangedPaths = createdPaths(after, unknown)
	} else {
		r.Change.ChangedPaths = model.DiffPaths(before, after, unknown)
	}
	r.Sensitive = compact(sortedUnion(flagged(ch.AfterSensitive), flagged(ch.BeforeSensitive)))

	conf := b.cfg.resourceFor(steps, string(rc.Mode), rc.Type, rc.Name)
	if conf != nil {
		r.Region = b.regions[conf.ProviderConfigKey]
	} else if strings.HasPrefix(rc.Type, "aws_") || strings.HasPrefix(rc.Type, "awscc_") {
		// Not in the configuration (being destroyed): the state keeps no
		// provider alias, so the default provider's region is the guess.
		r.Region = b.plan.Region
	}
	b.unknowns(r, conf, steps, unknown)
	return true, nil
}

// unknowns fills r.Unknown and r.Refs from the paths unknown after apply
// and the configuration's expressions at those paths.
func (b *builder) unknowns(r *tfmap.Resource, conf *tfjson.ConfigResource, steps []modStep, unknown []string) {
	if len(unknown) == 0 {
		return
	}
	set := make(map[string]bool, len(unknown))
	for _, p := range unknown {
		set[p] = true
	}
	refsAt := map[string][]string{}
	if conf != nil {
		key := strings.TrimPrefix(r.Address, moduleAddr(steps)+prefixFor(r.Mode)+r.Type+"."+r.Name)
		sc := refScope{steps: steps, key: key}
		walkRefs(conf.Expressions, func(path string, d *tfjson.ExpressionData) {
			if !underAny(path, set) {
				return
			}
			refsAt[path] = d.References
			if !set[path] {
				return // only part of the value is unknown: not the reference itself
			}
			if ref, ok := b.reference(r.Address, path, d.References, sc); ok {
				if r.Refs == nil {
					r.Refs = map[string]tfmap.Ref{}
				}
				r.Refs[path] = ref
			}
		})
	}
	r.Unknown = make(map[string]string, len(unknown))
	for _, p := range unknown {
		if _, isRef := r.Refs[p]; isRef {
			continue
		}
		if conf != nil && p != "" && !isSet(conf.Expressions, p) {
			// The code does not set it: the provider computes its default
			// (metadata_options.http_endpoint). It is as unset as the same
			// property left out of a CloudFormation template, not unknown.
			continue
		}
		reason := r.Address + "." + p + " is known only after apply"
		if p == "" {
			reason = r.Address + " is known only after apply"
		}
		if refs := refsAt[p]; len(refs) > 0 {
			reason += " (it is computed from " + describeRefs(refs) + ")"
		}
		r.Unknown[p] = reason
	}
}

func prefixFor(mode string) string {
	if mode == string(tfjson.DataResourceMode) {
		return "data."
	}
	return ""
}

// drift applies one resource_drift entry: the resource it names is marked
// drifted on the attributes its configuration sets. A resource that only
// resource_drift names is added, with action none, when it drifted.
func (b *builder) drift(rc *tfjson.ResourceChange, sp *entrySpan, byAddr map[string]int) {
	steps, ok := parseModule(rc.ModuleAddress)
	if !ok {
		b.notef("%s: resource_drift entry with an invalid module_address; ignored", rc.Address)
		return
	}
	conf := b.cfg.resourceFor(steps, string(rc.Mode), rc.Type, rc.Name)
	before := asObject(normalize(rc.Change.Before))
	after := asObject(normalize(rc.Change.After))
	var paths []string
	if conf != nil {
		for _, p := range model.DiffPaths(before, after, nil) {
			if isSet(conf.Expressions, p) {
				paths = append(paths, p)
			}
		}
	}
	deleted := rc.Change.Actions.Delete() && after == nil
	if deleted {
		paths = nil // the whole resource is gone
	}
	if !deleted && len(paths) == 0 {
		return // refresh noise only: attributes the code does not set
	}
	if deleted {
		b.notef("%s was deleted outside Terraform", rc.Address)
	}
	i, ok := byAddr[rc.Address]
	if !ok {
		r := tfmap.Resource{
			Address: rc.Address, Type: rc.Type, Name: rc.Name, Module: rc.ModuleAddress,
			Mode: string(rc.Mode), Attrs: after, File: b.file,
			Change: &model.Change{Action: model.ActionNone},
		}
		if deleted {
			r.Attrs = before
		}
		if sp != nil {
			r.Range, r.NameRange = sp.whole, sp.address
		}
		r.Sensitive = compact(sortedUnion(flagged(rc.Change.AfterSensitive), flagged(rc.Change.BeforeSensitive)))
		if conf != nil {
			r.Region = b.regions[conf.ProviderConfigKey]
		}
		byAddr[rc.Address] = len(b.plan.Resources)
		b.plan.Resources = append(b.plan.Resources, r)
		i = byAddr[rc.Address]
	}
	ch := b.plan.Resources[i].Change
	ch.Drifted = true
	ch.DriftedPaths = compact(sortedUnion(ch.DriftedPaths, paths))
}

func sortedUnion(a, b []string) []string {
	out := append(append(make([]string, 0, len(a)+len(b)), a...), b...)
	sort.Strings(out)
	return out
}
