package stackgate.rules.allowed_regions_test

import data.stackgate.rules.allowed_regions as rule

env := {"rules": {"allowed-regions": {"regions": ["us-gov-west-1", "us-gov-east-1"]}}}

resources := [
	{"address": "AuditBucket", "type": "AWS::S3::Bucket", "properties": {}, "unknown_paths": [], "references": {}},
	{"address": "AuditKey", "type": "AWS::KMS::Key", "properties": {}, "unknown_paths": [], "references": {}},
]

test_allowed_region_passes if {
	count(rule.deny) == 0 with input as {"environment": env, "context": {"region": "us-gov-west-1"}, "resources": resources}
}

test_other_region_fails_every_resource if {
	fs := rule.deny with input as {"environment": env, "context": {"region": "us-east-1"}, "resources": resources}
	{f.resource | some f in fs; f.path == ""; f.status == "fail"} == {"AuditBucket", "AuditKey"}
	some f in fs
	f.message == "AuditBucket would be deployed to us-east-1, which is not an allowed region for this environment (allowed: us-gov-west-1, us-gov-east-1)."
}

test_unknown_region_reports_nothing if {
	count(rule.deny) == 0 with input as {"environment": env, "context": {"region": ""}, "resources": resources}
	count(rule.deny) == 0 with input as {"environment": env, "resources": resources}
}

test_no_regions_configured_fails_closed if {
	count(rule.deny) == 2 with input as {"environment": {"rules": {"allowed-regions": {}}}, "context": {"region": "eu-west-1"}, "resources": resources}
}

# Terraform resources carry the region of their provider configuration.
tf(addr, extra) := object.union({"address": addr, "type": "AWS::S3::Bucket", "source_type": "aws_s3_bucket", "properties": {}, "unknown_paths": [], "references": {}}, extra)

test_resource_region_fails_without_context if {
	fs := rule.deny with input as {"environment": env, "resources": [tf("aws_s3_bucket.data", {"region": "us-east-1"})]}
	count(fs) == 1
	some f in fs
	f.resource == "aws_s3_bucket.data"
	f.status == "fail"
	f.path == "region"
	f.message == "aws_s3_bucket.data would be deployed to us-east-1, which is not an allowed region for this environment (allowed: us-gov-west-1, us-gov-east-1)."
}

test_resource_region_wins_over_context if {
	# an aliased provider in an allowed region, the default provider (the context) in another
	count(rule.deny) == 0 with input as {"environment": env, "context": {"region": "us-east-1"}, "resources": [tf("aws_s3_bucket.gov", {"region": "us-gov-east-1"})]}
	fs := rule.deny with input as {"environment": env, "context": {"region": "us-gov-west-1"}, "resources": [tf("aws_s3_bucket.east", {"region": "us-east-1"})]}
	{f.resource | some f in fs} == {"aws_s3_bucket.east"}
}

test_resource_without_region_takes_context if {
	fs := rule.deny with input as {"environment": env, "context": {"region": "us-east-1"}, "resources": [tf("aws_s3_bucket.data", {})]}
	{[f.resource, f.path, f.status] | some f in fs} == {["aws_s3_bucket.data", "", "fail"]}
}

test_unknown_region_is_undecided if {
	reason := "the region of provider aws.eu is not known statically (var.region has no value)"
	fs := rule.deny with input as {"environment": env, "context": {"region": "us-gov-west-1"}, "resources": [tf("aws_s3_bucket.eu", {"region_unknown": reason})]}
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.resource == "aws_s3_bucket.eu"
	f.path == "region"
	f.message == "The region aws_s3_bucket.eu would be deployed to is not known statically, so it cannot be checked against the allowed regions (us-gov-west-1, us-gov-east-1) here."
}

test_other_providers_and_deletions_are_not_checked if {
	random := {"address": "random_id.r", "type": "Terraform::random_id", "source_type": "random_id", "properties": {}, "unknown_paths": [], "references": {}}
	gone := tf("aws_s3_bucket.old", {"region": "us-east-1", "change": {"action": "delete"}})
	unmapped := {"address": "aws_fancy_widget.w", "type": "Terraform::aws_fancy_widget", "source_type": "aws_fancy_widget", "properties": {}, "unknown_paths": [], "references": {}}
	fs := rule.deny with input as {"environment": env, "context": {"region": "us-east-1"}, "resources": [random, gone, unmapped]}
	{f.resource | some f in fs} == {"aws_fancy_widget.w"}
}
