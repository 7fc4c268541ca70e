package stackgate.rules.allowed_resource_types_test

import data.stackgate.rules.allowed_resource_types as rule

res(address, type) := {"address": address, "type": type, "properties": {}, "unknown_paths": [], "references": {}}

env(params) := {"rules": {"allowed-resource-types": params}}

resources := [res("DataBucket", "AWS::S3::Bucket"), res("DataKey", "AWS::KMS::Key"), res("Fn", "AWS::Lambda::Function")]

test_allow_list if {
	fs := rule.deny with input as {"environment": env({"allow": ["AWS::S3::*", "AWS::KMS::*"]}), "resources": resources}
	count(fs) == 1
	some f in fs
	f.resource == "Fn"
	f.path == ""
	f.status == "fail"
	f.message == "Fn is of type AWS::Lambda::Function, which is not among the types this environment allows (AWS::S3::*, AWS::KMS::*)."
}

test_deny_list if {
	fs := rule.deny with input as {"environment": env({"deny": ["AWS::KMS::*"]}), "resources": resources}
	{f.resource | some f in fs} == {"DataKey"}
}

test_deny_wins_over_allow if {
	fs := rule.deny with input as {"environment": env({"allow": ["AWS::*"], "deny": ["AWS::Lambda::*"]}), "resources": resources}
	count(fs) == 1
	some f in fs
	contains(f.message, "denies (pattern AWS::Lambda::*)")
}

test_star_spans_separators if {
	fs := rule.deny with input as {"environment": env({"allow": ["AWS::*"]}), "resources": array.concat(resources, [res("Custom", "Custom::Orders.Seed")])}
	{f.resource | some f in fs} == {"Custom"}
}

test_no_parameters_no_findings if {
	count(rule.deny) == 0 with input as {"environment": env({}), "resources": resources}
}
