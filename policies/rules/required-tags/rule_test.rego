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

launch_template(specs, unknown) := {"address": "WebTemplate", "type": "AWS::EC2::LaunchTemplate", "properties": {"LaunchTemplateData": {"ImageId": "ami-0abc"}, "TagSpecifications": specs}, "unknown_paths": unknown, "references": {}}

instance_spec := {"ResourceType": "instance", "Tags": [{"Key": "owner", "Value": "web-team"}, {"Key": "data-classification", "Value": "public"}]}

test_list_form_reads_the_tags_property_of_the_type if {
	r := {"address": "Files", "type": "AWS::EFS::FileSystem", "properties": {"FileSystemTags": [{"Key": "owner", "Value": "x"}, {"Key": "data-classification", "Value": "secret"}]}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"environment": env, "resources": [r]}
	f.path == "FileSystemTags[1].Value"
}

test_list_form_mapped_to_tags_still_read if {
	# a loader that maps the tags of such a type to Tags (hashicorp/aws aws_efs_file_system)
	r := {"address": "aws_efs_file_system.files", "type": "AWS::EFS::FileSystem", "properties": {"Tags": [{"Key": "owner", "Value": "x"}]}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"environment": env, "resources": [r]}
	f.path == "Tags"
	contains(f.message, "no data-classification tag")
}

test_map_form_passes if {
	r := {"address": "OrdersConfig", "type": "AWS::SSM::Parameter", "properties": {"Tags": {"owner": "orders-team", "data-classification": "internal"}}, "unknown_paths": [], "references": {}}
	count(rule.deny) == 0 with input as {"environment": env, "resources": [r]}
}

test_map_form_missing_tag_fails_at_tags if {
	r := {"address": "OrdersConfig", "type": "AWS::SSM::Parameter", "properties": {"Tags": {"owner": "orders-team"}}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"environment": env, "resources": [r]}
	f.path == "Tags"
	f.status == "fail"
}

test_tag_specifications_pass if {
	own := {"ResourceType": "launch-template", "Tags": [{"Key": "owner", "Value": "web-team"}, {"Key": "data-classification", "Value": "internal"}]}
	count(rule.deny) == 0 with input as {"environment": env, "resources": [launch_template([instance_spec, own], [])]}
}

test_tag_specifications_value_fails_at_its_entry if {
	own := {"ResourceType": "launch-template", "Tags": [{"Key": "owner", "Value": "web-team"}, {"Key": "data-classification", "Value": "secret"}]}
	f := only(rule.deny) with input as {"environment": env, "resources": [launch_template([instance_spec, own], [])]}
	f.status == "fail"
	f.path == "TagSpecifications[1].Tags[1].Value"
}

test_tag_specifications_missing_tag_fails_at_own_tags if {
	own := {"ResourceType": "launch-template", "Tags": [{"Key": "owner", "Value": "web-team"}]}
	f := only(rule.deny) with input as {"environment": env, "resources": [launch_template([own], [])]}
	f.path == "TagSpecifications[0].Tags"
	f.message == "WebTemplate (AWS::EC2::LaunchTemplate) has no data-classification tag (allowed values: public, internal, confidential)."
}

test_tag_specifications_without_own_entry_fail_at_tag_specifications if {
	# the instance's tags do not tag the launch template
	fs := rule.deny with input as {"environment": env, "resources": [launch_template([instance_spec], [])]}
	count(fs) == 2
	every f in fs {
		f.path == "TagSpecifications"
		f.status == "fail"
	}
}

test_launch_template_without_tags_fails_at_resource if {
	r := {"address": "WebTemplate", "type": "AWS::EC2::LaunchTemplate", "properties": {"LaunchTemplateData": {}}, "unknown_paths": [], "references": {}}
	fs := rule.deny with input as {"environment": env, "resources": [r]}
	count(fs) == 2
	every f in fs { f.path == "" }
}

test_unknown_tag_specifications_is_undecided if {
	f := only(rule.deny) with input as {"environment": env, "resources": [launch_template(null, [{"path": "TagSpecifications", "reason": "parameter Specs has no value"}])]}
	f.status == "unknown"
	f.path == "TagSpecifications"
}

test_unknown_own_tags_is_undecided if {
	own := {"ResourceType": "launch-template", "Tags": null}
	f := only(rule.deny) with input as {"environment": env, "resources": [launch_template([own], [{"path": "TagSpecifications[0].Tags", "reason": "parameter Tags has no value"}])]}
	f.status == "unknown"
	f.path == "TagSpecifications[0].Tags"
}

test_unknown_specification_resource_type_is_undecided if {
	fs := rule.deny with input as {"environment": env, "resources": [launch_template([instance_spec, null], [{"path": "TagSpecifications[1]", "reason": "condition IsProd depends on parameter Env"}])]}
	count(fs) == 2
	every f in fs {
		f.status == "unknown"
		f.path == "TagSpecifications[1]"
	}
}

test_unknown_value_in_tag_specifications_is_undecided if {
	own := {"ResourceType": "launch-template", "Tags": [{"Key": "owner", "Value": "web-team"}, {"Key": "data-classification", "Value": null}]}
	f := only(rule.deny) with input as {"environment": env, "resources": [launch_template([own], [{"path": "TagSpecifications[0].Tags[1].Value", "reason": "parameter Classification has no value"}])]}
	f.status == "unknown"
	f.path == "TagSpecifications[0].Tags[1].Value"
}

test_unknown_type_with_tags_is_checked if {
	r := {"address": "Thing", "type": "Custom::Thing", "properties": {"Tags": [{"Key": "owner", "Value": "x"}]}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"environment": env, "resources": [r]}
	f.path == "Tags"
}

test_unknown_type_without_tags_ignored if {
	r := {"address": "Thing", "type": "Custom::Thing", "properties": {"Size": 1}, "unknown_paths": [], "references": {}}
	count(rule.deny) == 0 with input as {"environment": env, "resources": [r]}
}
