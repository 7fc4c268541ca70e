// Package model is the input contract of every stackgate rule and the output
// contract of every layer: the Go types that loaders (CloudFormation,
// Terraform, plan JSON, hook events, editor buffers) fill, that the policy
// engine evaluates, and that reporters print.
//
// The canonical resource shape is the CloudFormation resource schema: a
// resource has a CloudFormation type ("AWS::S3::Bucket") and PascalCase
// properties exactly as the CloudFormation / Cloud Control schema names them.
// A rule is therefore written once, against one shape, whichever way the
// change arrives.
//
// # Property values
//
// Properties hold plain JSON-like Go values only: nil, bool, int64, float64,
// string, []any and map[string]any. Loaders coerce CloudFormation's string
// forms ("true", "5432") to the type the property schema declares.
//
// # Property paths
//
// A property path names one value inside Properties in a dotted form with
// list indexes in brackets, relative to Properties:
//
//	BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm
//
// The empty path "" names the resource itself. Keys that contain a dot or a
// bracket are not used by any AWS schema, so the form is unambiguous for them.
// [JoinPath] and [SplitPath] convert between the dotted form and segments.
//
// # Unknown values and references
//
// A value not known until deploy time (an unresolved parameter or variable,
// an attribute known only after apply, an intrinsic that cannot be resolved
// statically) is stored as nil and its path is listed in UnknownPaths with
// the reason. Rules must check for unknown before they fail a value: an
// unknown value yields a finding with status "unknown", never "fail" and
// never a silent pass.
//
// A value that is a reference to another resource's attribute
// (!GetAtt DataKey.Arn, aws_kms_key.data.arn) is not unknown: the property
// holds a readable placeholder ("${DataKey.Arn}") and References records what
// it points at, so a rule that only needs the kind of thing referenced (a
// customer managed KMS key rather than alias/aws/s3) decides on it.
package model

// RegionPath is the path a finding about a resource's own Region names:
// no property (property names are PascalCase), it has the range of the
// resource's region argument where the source has one (Origin.Paths), else
// the resource's name, and the reason of an unknown region is
// Resource.RegionUnknown.
const RegionPath = "region"

// Layer names the layer that produced a document.
const (
	LayerCloudFormation = "cloudformation"
	LayerTerraform      = "terraform"
	LayerPlan           = "plan"
	LayerHook           = "hook"
	LayerEditor         = "editor"
)

// Change actions. ActionNone means the layer knows the resource is unchanged.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionReplace = "replace"
	ActionDelete  = "delete"
	ActionNone    = "none"
	ActionRead    = "read"
)

// Document is one evaluation unit: the resources of one template, one root
// module or one plan, evaluated together in a single engine call so that
// rules can relate resources to each other.
type Document struct {
	Environment Environment `json:"environment"`
	Context     Context     `json:"context"`
	Resources   []Resource  `json:"resources"`
}

// Environment is the configured environment a document is evaluated in.
type Environment struct {
	// Name of the environment in stackgate.yaml ("" without a config file).
	Name string `json:"name"`
	// Rules maps each enabled rule id to its parameters (an empty object
	// when the rule takes none). Rules read their parameters from here:
	// input.environment.rules["required-tags"].tags.
	Rules map[string]map[string]any `json:"rules"`
}

// Context is what the layer knows about the deployment target.
type Context struct {
	AccountID string `json:"account_id,omitempty"`
	Region    string `json:"region,omitempty"`
	// Operation is the target operation of a hook invocation
	// (RESOURCE, STACK, CHANGE_SET, CLOUD_CONTROL), empty elsewhere.
	Operation string `json:"operation,omitempty"`
	// StackName is the CloudFormation stack, where known.
	StackName string `json:"stack_name,omitempty"`
}

// Resource is one infrastructure resource in the canonical shape.
type Resource struct {
	// Address is the Terraform address (module.a.aws_s3_bucket.b["x"]) or
	// the CloudFormation logical id.
	Address string `json:"address"`
	// Type is the CloudFormation type, e.g. AWS::S3::Bucket.
	Type string `json:"type"`
	// SourceType is the type as written in the source (aws_s3_bucket,
	// awscc_s3_bucket, AWS::S3::Bucket).
	SourceType string `json:"source_type"`
	// Properties in CloudFormation schema shape (see the package comment).
	Properties map[string]any `json:"properties"`
	// UnknownPaths lists the property paths whose values are not known
	// statically, with the reason each is unknown.
	UnknownPaths []Unknown `json:"unknown_paths"`
	// References maps property paths whose values are references to other
	// resources' attributes.
	References map[string]Reference `json:"references"`
	// Change is present when the layer knows the pending change (plan, hook).
	Change *Change `json:"change,omitempty"`
	// Lifecycle holds Terraform lifecycle settings, when the source has them.
	Lifecycle *Lifecycle `json:"lifecycle,omitempty"`
	// Region is the region the resource is deployed to when its source
	// says so (the region of a Terraform provider configuration, or a
	// resource's own region argument); empty when the source does not,
	// and the document's Context.Region applies.
	Region string `json:"region,omitempty"`
	// RegionUnknown says why the region is not known statically when the
	// source sets one that cannot be evaluated (a provider region from a
	// variable without a value); empty otherwise. A rule about regions
	// reports such a resource as unknown, never as passing or failing, at
	// RegionPath.
	RegionUnknown string `json:"region_unknown,omitempty"`
	// Sensitive lists the property paths whose values the source marks
	// sensitive (Terraform sensitive values). Rules may read them; nothing
	// that shows values to users (stackgate inspect) prints them.
	Sensitive []string `json:"-"`
	// Origin says where the resource came from; not part of the rule input
	// beyond layer and file (ranges stay on the Go side for speed).
	Origin Origin `json:"origin"`
}

// Unknown is one property path whose value is not known statically.
type Unknown struct {
	Path string `json:"path"`
	// Reason names what is unknown in words a developer recognises, e.g.
	// "parameter EncryptionAlgorithm has no value" or
	// "aws_kms_key.data.arn is known only after apply". Never a secret value.
	Reason string `json:"reason"`
}

// Reference records that a property value points at another resource.
type Reference struct {
	// Address of the referenced resource (logical id or Terraform address).
	Address string `json:"address"`
	// Type is the referenced resource's CloudFormation type, when known.
	Type string `json:"type,omitempty"`
	// Attribute referenced (Arn, KeyId, id, arn); empty for a plain Ref.
	Attribute string `json:"attribute,omitempty"`
}

// Change is what a plan or a hook knows about the pending operation.
type Change struct {
	Action string `json:"action"`
	// Before holds the properties before the change (update, replace, delete).
	Before map[string]any `json:"before,omitempty"`
	// ChangedPaths lists the property paths whose values change.
	ChangedPaths []string `json:"changed_paths,omitempty"`
	// ReplacePaths lists the property paths that force replacement.
	ReplacePaths []string `json:"replace_paths,omitempty"`
	// Reason is the layer's reason for the action (Terraform action_reason).
	Reason string `json:"reason,omitempty"`
	// Drifted is true when the live resource differs from its code.
	Drifted bool `json:"drifted"`
	// DriftedPaths lists the drifted property paths the code sets.
	DriftedPaths []string `json:"drifted_paths,omitempty"`
	// DriftUnknown says why the layer could not find out whether the
	// resource drifted (drift detection failed, ran out of time, was
	// turned off); empty when drift was checked or is not the layer's to
	// know. Drifted is then false: a resource not checked is never
	// reported as drifted, and no-drift reports it as unknown.
	DriftUnknown string `json:"drift_unknown,omitempty"`
}

// Deletes reports whether the change deletes the resource; false for no
// change (nil).
func (c *Change) Deletes() bool { return c != nil && c.Action == ActionDelete }

// Lifecycle holds Terraform lifecycle meta-arguments (and their
// CloudFormation counterparts where one exists).
type Lifecycle struct {
	IgnoreChanges       []string `json:"ignore_changes,omitempty"`
	IgnoreAllChanges    bool     `json:"ignore_all_changes,omitempty"`
	PreventDestroy      bool     `json:"prevent_destroy,omitempty"`
	CreateBeforeDestroy bool     `json:"create_before_destroy,omitempty"`
}

// Origin says where a resource was declared.
type Origin struct {
	Layer string `json:"layer"`
	File  string `json:"file,omitempty"`
	// Range covers the whole resource declaration.
	Range Range `json:"-"`
	// NameRange covers the resource's name (logical id, block labels), the
	// place a finding about the whole resource points at.
	NameRange Range `json:"-"`
	// Paths maps property paths to the range of their value.
	Paths map[string]Range `json:"-"`
	// PathTable holds the same as Paths in compact form; loaders of
	// large inputs (CloudFormation templates) fill it instead of Paths.
	// Read ranges through RangeFor, PathRange or AllPaths, which see
	// both.
	PathTable *PathTable `json:"-"`
	// Module is the module call chain for Terraform resources in modules.
	Module string `json:"module,omitempty"`
	// Root is the Terraform root module directory the resource was
	// evaluated from: a module shared by many roots is judged once per
	// root, with that root's inputs.
	Root string `json:"root,omitempty"`
	// CallSite is the module block in the root module through which a
	// Terraform resource in a module is declared; zero at the root.
	CallSite Range `json:"-"`
	// Inputs maps property paths whose values the root module sets
	// through a module input to the range of that input.
	Inputs map[string]Range `json:"-"`
}

// Pos is one position in a source file. Line and Column start at 1; Column
// counts Unicode code points. Byte is the 0-based byte offset, which lets the
// editor layer convert to UTF-16 columns.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// Range is a span in a source file; End is exclusive.
type Range struct {
	Filename string `json:"filename,omitempty"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// IsZero reports whether the range is unset.
func (r Range) IsZero() bool { return r.Start.Line == 0 }

// RangeFor returns the source range of the value at path, or of the closest
// ancestor property that has one, or else of the resource's name (logical
// id, block labels): a finding about a missing property, or about the whole
// resource, points at the resource's declaration.
func (o Origin) RangeFor(path string) Range {
	if o.PathTable == nil {
		if r, ok := NearestRange(o.Paths, path); ok {
			return r
		}
	} else {
		for p := path; p != ""; p = ParentPath(p) {
			if r, ok := o.PathRange(p); ok && !r.IsZero() {
				return r
			}
		}
	}
	if !o.NameRange.IsZero() {
		return o.NameRange
	}
	if r, ok := o.PathRange(""); ok && !r.IsZero() {
		return r
	}
	return o.Range
}

// PathRange returns the range recorded for exactly path, in Paths or in
// PathTable.
func (o Origin) PathRange(path string) (Range, bool) {
	if r, ok := o.Paths[path]; ok {
		return r, true
	}
	return o.PathTable.Get(path)
}

// AllPaths returns every path with a recorded range (Paths and
// PathTable together) as a new map.
func (o Origin) AllPaths() map[string]Range {
	out := o.PathTable.Map()
	if out == nil {
		out = make(map[string]Range, len(o.Paths))
	}
	for k, v := range o.Paths {
		out[k] = v
	}
	return out
}

// NearestRange returns the range ranges holds for path, or for the
// closest ancestor of path that has one; the root path "" is not
// searched. ok is false when none has.
func NearestRange(ranges map[string]Range, path string) (Range, bool) {
	for p := path; p != ""; p = ParentPath(p) {
		if r, ok := ranges[p]; ok && !r.IsZero() {
			return r, true
		}
	}
	return Range{}, false
}

// Suppression is an inline "# stackgate:ignore <rule> <reason>" comment.
type Suppression struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	File   string `json:"file"`
	// Line is the line of the comment; Target the line it applies to (the
	// same line for a trailing comment, the next code line otherwise).
	Line   int `json:"line"`
	Target int `json:"target"`
}
