package stackgate.rules.required_tags_test

import data.stackgate.rules.required_tags as rule

env := {"rules": {"required-tags": {"tags": {"data-classification": ["public", "internal", "confidential"], "owner": []}}}}

bucket(tags, unknown) := {"address": "OrdersBucket", "type": "AWS::S3::Bucket", "properties": {"Tags": tags}, "unknown_paths": unknown, "references": {}}

good_tags := [{"Key": "owner", "Value": "orders-team"}, {"Key": "data-classification", "Value": "confidential"}]

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_all_required_tags_pass if {
	count(rule.deny) == 0 with input as {"environment": env, "resources": [bucket(good_tags, [])]}
}

test_no_parameter_means_no_findings if {
	count(rule.deny) == 0 with input as {"environment": {"rules": {"required-tags": {}}}, "resources": [bucket([], [])]}
}

test_missing_tag_fails_at_tags if {
	f := only(rule.deny) with input as {"environment": env, "resources": [bucket([{"Key": "owner", "Value": "orders-team"}], [])]}
	f.status == "fail"
	f.path == "Tags"
	f.message == "OrdersBucket (AWS::S3::Bucket) has no data-classification tag (allowed values: public, internal, confidential)."
}

test_taggable_type_without_tags_fails_at_resource if {
	r := {"address": "OrdersQueue", "type": "AWS::SQS::Queue", "properties": {"VisibilityTimeout": 60}, "unknown_paths": [], "references": {}}
	fs := rule.deny with input as {"environment": env, "resources": [r]}
	count(fs) == 2
	every f in fs { f.path == ""; f.status == "fail"}
}

test_untaggable_type_ignored if {
	r := {"address": "BucketPolicy", "type": "AWS::S3::BucketPolicy", "properties": {"Bucket": "x"}, "unknown_paths": [], "references": {}}
	count(rule.deny) == 0 with input as {"environment": env, "resources": [r]}
}

test_value_not_allowed_fails_at_value if {
	tags := [{"Key": "owner", "Value": "orders-team"}, {"Key": "team", "Value": "x"}, {"Key": "cost-center", "Value": "42"}, {"Key": "data-classification", "Value": "secret"}]
	f := only(rule.deny) with input as {"environment": env, "resources": [bucket(tags, [])]}
	f.status == "fail"
	f.path == "Tags[3].Value"
	not contains(f.message, "secret")
}

test_empty_value_fails_for_any_value_tag if {
	tags := [{"Key": "owner", "Value": " "}, {"Key": "data-classification", "Value": "public"}]
	f := only(rule.deny) with input as {"environment": env, "resources": [bucket(tags, [])]}
	f.path == "Tags[0].Value"
	contains(f.message, "an empty value")
}

test_map_form_tags if {
	r := {"address": "DbPasswordParam", "type": "AWS::SSM::Parameter", "properties": {"Tags": {"owner": "orders-team", "data-classification": "restricted"}}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"environment": env, "resources": [r]}
	f.path == "Tags.data-classification"
}

test_unknown_tags_is_undecided if {
	f := only(rule.deny) with input as {"environment": env, "resources": [bucket(null, [{"path": "Tags", "reason": "parameter Tags has no value"}])]}
	f.status == "unknown"
	f.path == "Tags"
}

test_unknown_value_is_undecided if {
	tags := [{"Key": "owner", "Value": "orders-team"}, {"Key": "data-classification", "Value": null}]
	f := only(rule.deny) with input as {"environment": env, "resources": [bucket(tags, [{"path": "Tags[1].Value", "reason": "parameter Classification has no value"}])]}
	f.status == "unknown"
	f.path == "Tags[1].Value"
}

test_unknown_key_is_undecided_not_missing if {
	tags := [{"Key": "owner", "Value": "orders-team"}, null]
	f := only(rule.deny) with input as {"environment": env, "resources": [bucket(tags, [{"path": "Tags[1]", "reason": "condition IsProd depends on parameter Env"}])]}
	f.status == "unknown"
	f.path == "Tags[1]"
}
