// Package terraform evaluates a Terraform root module statically, the way
// Terraform itself would during plan as far as that is possible without
// providers or state, and returns its resources instance by instance in
// provider shape ([]tfmap.Resource).
//
// What is evaluated: variables (defaults, terraform.tfvars,
// terraform.tfvars.json, *.auto.tfvars(.json), --var-file, TF_VAR_ and
// --var, with type constraints and optional() defaults), the local
// values and module outputs that expressions read, Terraform's common
// functions, count and for_each, dynamic blocks, local modules and modules
// that `terraform init` left in .terraform/modules, override files
// (override.tf, *_override.tf) merged as Terraform merges them, provider
// default_tags (for the mapping to merge into tags). A local value or
// output that nothing reads (every output of the root module) reaches no
// resource, so it is not evaluated; its references are checked (an
// undeclared name is an error, as when it was evaluated), and cycles
// among such local values are reported.
//
// Values that cannot be known statically stay unknown, with the reason:
// a variable without a value ("var.x has no value"), an attribute only the
// provider computes ("aws_kms_key.data.arn is known only after apply"), a
// function this evaluator does not implement. Unknowns are carried as cty
// unknown values with a reason mark, so the reason survives locals, module
// inputs and outputs, and function calls. An attribute whose expression is
// a reference to another resource's attribute (directly, or through locals,
// module inputs and outputs, or a conditional with a known condition) also
// gets a tfmap.Ref: the path is then both unknown (with its reason) and a
// reference, and the mapping layer treats it as the reference.
//
// A count or for_each whose value is unknown yields a single instance
// addressed with the key [*] ("aws_s3_bucket.x[*]"): it stands for every
// instance, and each.key, each.value and count.index are unknown in it,
// with the reason; Module.Notes says so.
//
// Files: every file is read through Options.FS (package scanner/vfs): the
// disk, or the disk with an editor's unsaved buffers over it, bounded in
// size, regular files only. The file functions read only inside the root
// module's directory or the calling module's; a path outside makes the
// value unknown with the reason. Load stops, with the context's error,
// when its context is done.
//
// Source ranges: every attribute path keeps the range of the expression
// that sets it, in the file that holds it (a module's file for resources in
// a module, the content attribute for values made by a dynamic block, the
// resource's own attribute for values that come from variables).
package terraform
