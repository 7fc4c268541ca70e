// Package plan loads Terraform plans in the JSON form `terraform show -json
// PLANFILE` writes, and turns every planned resource change into a
// [tfmap.Resource] in provider shape, with its pending [model.Change]:
// the action, the before values, the changed and replace-forcing paths,
// Terraform's reason, and whether the live resource drifted from its code.
// [tfmap.Map] then folds them into the CloudFormation shape the rules read,
// exactly as it does for the HCL evaluator's output.
//
// # What a resource holds
//
// Attrs are the planned values (after), or for a delete the values being
// destroyed (before). A value Terraform knows only after apply is nil in
// Attrs and listed in Unknown. When the configuration shows that such a
// value is, exactly, another resource's attribute (kms_master_key_id =
// aws_kms_key.data.arn), it is recorded in Refs instead: a rule that only
// needs to know what the value points at decides on it without an unknown.
// An expression over such a value (sse_algorithm = aws_kms_key.k.key_id !=
// "" ? "aws:kms" : "AES256") is unknown, not a reference. The plan's
// configuration section lists only an expression's references, so
// [LoadWithConfig] reads the .tf source to tell the two apart; [Load],
// without it, takes a reference only for an attribute that holds an
// identifier of another resource (a key id or ARN, a group id, a bucket).
//
// # Sensitive values
//
// Values Terraform marks sensitive (after_sensitive, before_sensitive) stay
// in Attrs and Change.Before, because rules may need to read them (an
// encryption setting fed by a sensitive variable), and their paths are
// listed in Resource.Sensitive. This package never writes a value into an
// error or a note, sensitive or not: messages name addresses and paths only.
//
// # Drift
//
// resource_drift says what the refresh found changed outside Terraform.
// Drift counts only on attributes the configuration sets, as CloudFormation
// drift detection does: an attribute the code leaves unset that reads back
// as a default (bucket_key_enabled going null -> false) is refresh noise.
//
// # Positions
//
// A plan has no source ranges of the .tf files; every resource points at
// its resource_changes entry in the plan JSON (Range) and at the entry's
// address (NameRange), so a finding still has a file:line. [LoadWithConfig]
// points the resources the configuration has at their .tf lines instead.
//
// # Incomplete plans
//
// A plan Terraform wrote after planning failed part-way ("errored": true)
// is refused: it does not hold every change.
package plan
