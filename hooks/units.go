package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/scanner/cfntypes"
	"github.com/stackgate/stackgate/workspace"
)

// stackPayload is what a STACK or CHANGE_SET payload URL returns (HUG,
// "Lambda Hook stack-level input" and "change set-level input").
type stackPayload struct {
	// Template is the raw template as submitted (JSON or YAML); empty on
	// delete.
	Template string `json:"template"`
	// PreviousTemplate is the last deployed template (STACK updates).
	PreviousTemplate string `json:"previousTemplate"`
	// ChangedResources are the change set's resource changes.
	ChangedResources []changedResource `json:"changedResources"`
}

// changedResource is one resource change of a change set. The contexts
// are JSON documents in a string ({"Properties": {...}}), every scalar in
// them a string.
type changedResource struct {
	Action            string          `json:"action"`
	BeforeContext     json.RawMessage `json:"beforeContext"`
	AfterContext      json.RawMessage `json:"afterContext"`
	LineNumber        json.RawMessage `json:"lineNumber"`
	LogicalResourceID string          `json:"logicalResourceId"`
	ResourceType      string          `json:"resourceType"`
}

// target is what the hook evaluates for one request: one unit, and what
// drift detection needs to know of its resources.
type target struct {
	unit scanner.Loaded
	// logical maps resource addresses to CloudFormation logical ids.
	logical map[string]string
	// cloudControl is set for a Cloud Control operation.
	cloudControl *ccTarget
	// shown are property paths whose values messages show on purpose
	// (the primary identifier that names a Cloud Control resource).
	shown []string
}

// ccTarget names the resource of a Cloud Control operation.
type ccTarget struct {
	typeName, identifier string
}

// resourceTarget builds the unit of a RESOURCE or CLOUD_CONTROL request
// from its target model. Properties are coerced to their declared types,
// and an update knows its properties before the change and which paths
// change.
func resourceTarget(req Request, op string) (*target, error) {
	d := req.RequestData
	typ := d.TargetName
	if typ == "" || typ == OperationResource {
		typ = d.TargetType
	}
	if !strings.Contains(typ, "::") {
		return nil, fmt.Errorf("%s request names no resource type (targetName %q, targetType %q)", op, d.TargetName, d.TargetType)
	}
	var after, before map[string]any
	if d.TargetModel != nil {
		after = coerced(typ, d.TargetModel.ResourceProperties)
		before = coerced(typ, d.TargetModel.PreviousResourceProperties)
	}
	if after == nil {
		after = map[string]any{}
	}
	r := model.Resource{
		Address:    d.TargetLogicalID,
		Type:       typ,
		SourceType: typ,
		Properties: after,
		Origin:     model.Origin{Layer: model.LayerHook},
	}
	t := &target{logical: map[string]string{}}
	if op == OperationCloudControl {
		id := primaryIdentifier(typ, after)
		if id == "" {
			id = primaryIdentifier(typ, before)
		}
		t.cloudControl = &ccTarget{typeName: typ, identifier: id}
		if id != "" {
			t.shown = primaryIdentifiers[typ]
		}
		r.Address = cloudControlName(typ, id, d.TargetLogicalID)
		r.Origin.File = "cloudcontrol/" + typ
	} else {
		t.logical[r.Address] = d.TargetLogicalID
		r.Origin.File = "stack/" + req.StackName() + "/" + d.TargetLogicalID
	}
	switch req.Action() {
	case "create":
		r.Change = &model.Change{Action: model.ActionCreate}
	case "update":
		r.Change = updateChange(before, after)
	}
	t.unit = scanner.Loaded{
		File:      r.Origin.File,
		Kind:      scanner.KindCloudFormation,
		Resources: []model.Resource{r},
	}
	return t, nil
}

// cloudControlName is the readable name of a Cloud Control resource in
// messages: its type and primary identifier, or the id the service made
// up for the request when the identifier is not known yet (a create
// whose identifier the service generates).
func cloudControlName(typ, id, requestID string) string {
	if id != "" {
		return typ + " " + id
	}
	if requestID != "" {
		return typ + " (" + requestID + ")"
	}
	return typ
}

// updateChange is the change of an update from before to after: the
// paths whose values differ. Identical properties are no change.
func updateChange(before, after map[string]any) *model.Change {
	paths := model.DiffPaths(before, after, nil)
	if len(paths) == 0 {
		return &model.Change{Action: model.ActionNone, Before: before}
	}
	return &model.Change{Action: model.ActionUpdate, Before: before, ChangedPaths: paths}
}

// coerced converts CloudFormation's string forms in props to the
// declared property types, in place.
func coerced(typ string, props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	cfntypes.CoerceProperties(typ, props, nil)
	return props
}

// templateUnit loads a template string with the core CloudFormation
// loader, under a name that says where it came from.
func templateUnit(ctx context.Context, ws *workspace.Workspace, name, src string, opts cfn.Options) (scanner.Loaded, error) {
	units, err := ws.LoadBytes(ctx, name, []byte(src), workspace.LoadOptions{CloudFormation: opts})
	if err != nil {
		return scanner.Loaded{}, err
	}
	if len(units) != 1 {
		return scanner.Loaded{}, fmt.Errorf("%s: loaded %d units, want 1", name, len(units))
	}
	u := units[0]
	switch {
	case u.Err != nil:
		return u, u.Err
	case u.Skipped:
		return u, fmt.Errorf("%s: the payload's template is not a CloudFormation template", name)
	}
	return u, nil
}

// decodePayload decodes a STACK or CHANGE_SET payload.
func decodePayload(b []byte) (stackPayload, error) {
	var p stackPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("the payload is not the documented JSON object: %w", err)
	}
	return p, nil
}

// stackTarget builds the unit of a STACK request: the resources of the
// template, each with its change against the previous template when there
// is one (created, updated with the paths that change, or unchanged).
func stackTarget(ctx context.Context, ws *workspace.Workspace, req Request, p stackPayload, opts cfn.Options) (*target, error) {
	base := "stack/" + req.StackName()
	u, err := templateUnit(ctx, ws, base+"/template", p.Template, opts)
	if err != nil {
		return nil, err
	}
	t := &target{unit: u, logical: logicalIDs(u.Resources)}
	if strings.TrimSpace(p.PreviousTemplate) == "" {
		return t, nil
	}
	prev, err := templateUnit(ctx, ws, base+"/previous-template", p.PreviousTemplate, opts)
	if err != nil {
		return nil, fmt.Errorf("previous template: %w", err)
	}
	old := make(map[string]model.Resource, len(prev.Resources))
	for _, r := range prev.Resources {
		old[r.Address] = r
	}
	for i := range t.unit.Resources {
		r := &t.unit.Resources[i]
		o, ok := old[r.Address]
		switch {
		case !ok:
			r.Change = &model.Change{Action: model.ActionCreate}
		case o.Type != r.Type:
			// A new type under the same logical id is a new resource.
			r.Change = &model.Change{Action: model.ActionReplace, Before: o.Properties}
		default:
			r.Change = updateChange(o.Properties, r.Properties)
		}
	}
	return t, nil
}

// changeSetTarget builds the unit of a CHANGE_SET request: the resources
// of the template, each changed resource with its change from the change
// set (created, or updated with its properties before and the paths that
// change between the before and after contexts); every other resource is
// unchanged. Deleted resources are not judged.
func changeSetTarget(ctx context.Context, ws *workspace.Workspace, req Request, p stackPayload, opts cfn.Options) (*target, error) {
	name := "changeset/" + req.StackName() + "/template"
	u, err := templateUnit(ctx, ws, name, p.Template, opts)
	if err != nil {
		return nil, err
	}
	t := &target{unit: u, logical: logicalIDs(u.Resources)}
	byID := make(map[string]*model.Resource, len(u.Resources))
	for i := range t.unit.Resources {
		r := &t.unit.Resources[i]
		byID[r.Address] = r
		r.Change = &model.Change{Action: model.ActionNone}
	}
	for _, c := range p.ChangedResources {
		r, ok := byID[c.LogicalResourceID]
		if !ok {
			// Deleted, or not in the template under its conditions.
			continue
		}
		typ := c.ResourceType
		if typ == "" {
			typ = r.Type
		}
		switch strings.ToUpper(c.Action) {
		case "CREATE", "ADD":
			r.Change = &model.Change{Action: model.ActionCreate}
		case "UPDATE", "MODIFY":
			before, err := contextProperties(c.BeforeContext)
			if err != nil {
				return nil, fmt.Errorf("change set resource %s: beforeContext: %w", c.LogicalResourceID, err)
			}
			after, err := contextProperties(c.AfterContext)
			if err != nil {
				return nil, fmt.Errorf("change set resource %s: afterContext: %w", c.LogicalResourceID, err)
			}
			before, after = coerced(typ, before), coerced(typ, after)
			ch := updateChange(before, after)
			if ch.Action == model.ActionNone {
				// CloudFormation updates it, but no property changes (a
				// metadata change): an update that changes nothing.
				ch.Action = model.ActionUpdate
			}
			r.Change = ch
		case "DELETE", "REMOVE":
			// The template no longer has it.
		default:
			t.unit.Notes = append(t.unit.Notes, fmt.Sprintf("change set resource %s: action %q is not one the hook knows; judged as unchanged", c.LogicalResourceID, c.Action))
		}
	}
	return t, nil
}

// contextProperties decodes a change-set context, a JSON document in a
// string ({"Properties": {...}}; null when there is none). A context
// given as an object is taken as well.
func contextProperties(raw json.RawMessage) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	doc := []byte(raw)
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		doc = []byte(s)
	}
	var c map[string]any
	if err := decodeJSON(doc, &c); err != nil {
		return nil, errors.New("not a JSON object")
	}
	props, _ := c["Properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
	}
	return props, nil
}

// logicalIDs maps the addresses of template resources (their logical
// ids) to themselves.
func logicalIDs(rs []model.Resource) map[string]string {
	m := make(map[string]string, len(rs))
	for _, r := range rs {
		m[r.Address] = r.Address
	}
	return m
}

// topLevelPaths lists the top-level properties the code sets, sorted:
// what a resource drifted on when drift detection names no property (it
// was deleted, or only a status was recorded).
func topLevelPaths(props map[string]any) []string {
	keys := make([]string, 0, len(props))
	for _, k := range sortedKeys(props) {
		if props[k] != nil {
			keys = append(keys, k)
		}
	}
	return keys
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
