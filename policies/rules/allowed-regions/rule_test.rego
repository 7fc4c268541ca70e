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
