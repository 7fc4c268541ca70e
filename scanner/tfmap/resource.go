// Package tfmap maps Terraform resources, in the shape their provider gives
// them (snake_case attributes, nested blocks as lists of objects), into the
// canonical CloudFormation shape of the model, so every rule works on
// Terraform unchanged. It is shared by the HCL evaluator (scanner/terraform)
// and the plan loader (scanner/plan): both produce []Resource, and Map turns
// them into []model.Resource.
//
// awscc_* resources map by rule (awscc_s3_bucket -> AWS::S3::Bucket,
// snake_case -> PascalCase, with the exceptions the AWSCC provider
// documents). aws_* resources map through a declarative table (one entry per
// resource type, data not code) that also folds satellite resources into
// their parent (aws_s3_bucket_versioning into the aws_s3_bucket it names).
// A type without an entry keeps its attributes and still reaches the rules
// that apply to every resource (tags, allowed types, immutability).
package tfmap

import "github.com/stackgate/stackgate/policies/model"

// Resource is one Terraform resource instance in provider shape.
//
// Paths in Unknown, Refs, Ranges and Change use the model's path syntax over
// the provider attribute names, with blocks as lists:
// "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm".
type Resource struct {
	// Address is the full instance address: module.lake["raw"].aws_s3_bucket.this[0].
	Address string
	// Type is the provider resource type: aws_s3_bucket, awscc_s3_bucket.
	Type string
	// Name is the resource name label ("this").
	Name string
	// Module is the module instance path ("module.lake[\"raw\"]"), "" for the root.
	Module string
	// Mode is "managed" or "data"; only managed resources are mapped.
	Mode string
	// Attrs holds the attribute values: nil, bool, int64, float64, string,
	// []any, map[string]any. Unknown values are nil and listed in Unknown.
	Attrs map[string]any
	// Unknown maps paths of values not known statically to the reason
	// ("var.key_arn has no value", "aws_kms_key.data.arn is known only after apply").
	Unknown map[string]string
	// Refs maps paths whose value is a reference to another resource's
	// attribute (bucket = aws_s3_bucket.logs.id).
	Refs map[string]Ref
	// Sensitive lists paths whose values are sensitive: never printed.
	Sensitive []string
	// Ranges maps paths to the source range of their value; "" is the
	// whole block.
	Ranges map[string]model.Range
	// Range is the whole resource block; NameRange its type and name labels.
	Range, NameRange model.Range
	// File is the file that declares the resource.
	File string
	// Lifecycle settings; the range of ignore_changes is Ranges["lifecycle.ignore_changes"].
	Lifecycle *model.Lifecycle
	// Change is set by the plan loader; its paths are provider paths, which
	// Map translates.
	Change *model.Change
	// Region is the provider region for this resource, when known.
	Region string
	// RegionUnknown says why the region is not known when the provider
	// sets one that cannot be evaluated statically ("the region of
	// provider aws.eu is not known statically (var.region has no value)");
	// empty when Region is known or the provider sets none.
	RegionUnknown string
	// CallSite is the module block in the root module through which a
	// resource in a module is declared (the outermost call); zero at the root.
	CallSite model.Range
	// Inputs maps paths whose values a module's caller sets (through a
	// variable) to the range of that module input in the root module.
	Inputs map[string]model.Range
	// DefaultTags are the default_tags of the resource's provider
	// configuration, from the HCL evaluator (a plan has tags_all instead).
	// Map merges them under the resource's own tags for types that take
	// tags, as the provider does.
	DefaultTags *DefaultTags
}

// DefaultTags is the tags map of a provider's default_tags block.
type DefaultTags struct {
	Tags map[string]any
	// Unknown maps tag keys whose value is not known to the reason; the
	// key "" means the whole map is unknown.
	Unknown map[string]string
	// Ranges maps tag keys to the range of their entry in the provider
	// block; "" is the whole tags argument.
	Ranges map[string]model.Range
}

// Ref is a reference from one resource's attribute to another resource.
type Ref struct {
	// Address of the referenced resource instance (aws_kms_key.data,
	// module.keys.aws_kms_key.this["logs"]).
	Address string
	// Type of the referenced resource (aws_kms_key).
	Type string
	// Attribute referenced (arn, id, key_id); "" for the whole object.
	Attribute string
}
