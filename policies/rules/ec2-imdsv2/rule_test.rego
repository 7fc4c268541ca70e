package stackgate.rules.ec2_imdsv2_test

import data.stackgate.rules.ec2_imdsv2 as rule

template(options) := {
	"address": "WebLaunchTemplate", "type": "AWS::EC2::LaunchTemplate",
	"properties": {"LaunchTemplateData": {"ImageId": "ami-0abcdef1234567890", "MetadataOptions": options}},
	"unknown_paths": [], "references": {},
}

instance(props, refs, unknown) := {"address": "Bastion", "type": "AWS::EC2::Instance", "properties": props, "references": refs, "unknown_paths": unknown}

lt_ref := {"LaunchTemplate.LaunchTemplateId": {"address": "WebLaunchTemplate", "type": "AWS::EC2::LaunchTemplate", "attribute": ""}}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_template_requiring_tokens_passes if {
	count(rule.deny) == 0 with input as {"resources": [template({"HttpTokens": "required", "HttpPutResponseHopLimit": 2})]}
}

test_template_with_endpoint_disabled_passes if {
	count(rule.deny) == 0 with input as {"resources": [template({"HttpEndpoint": "disabled"})]}
}

test_template_optional_tokens_fails if {
	f := only(rule.deny) with input as {"resources": [template({"HttpTokens": "optional"})]}
	f.status == "fail"
	f.path == "LaunchTemplateData.MetadataOptions.HttpTokens"
	f.message == "Launch template WebLaunchTemplate does not require IMDSv2: HttpTokens is optional."
}

test_template_without_options_fails if {
	t := {"address": "WebLaunchTemplate", "type": "AWS::EC2::LaunchTemplate", "properties": {"LaunchTemplateData": {"ImageId": "ami-1"}}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"resources": [t]}
	f.status == "fail"
	contains(f.message, "not set")
}

test_template_unknown_tokens_is_undecided if {
	t := object.union(template({"HttpTokens": null}), {"unknown_paths": [{"path": "LaunchTemplateData.MetadataOptions.HttpTokens", "reason": "parameter Tokens has no value"}]})
	f := only(rule.deny) with input as {"resources": [t]}
	f.status == "unknown"
	f.path == "LaunchTemplateData.MetadataOptions.HttpTokens"
}

test_instance_with_own_options_passes if {
	count(rule.deny) == 0 with input as {"resources": [instance({"MetadataOptions": {"HttpTokens": "required"}}, {}, [])]}
}

test_instance_with_optional_tokens_fails if {
	f := only(rule.deny) with input as {"resources": [instance({"MetadataOptions": {"HttpTokens": "optional"}}, {}, [])]}
	f.status == "fail"
	f.path == "MetadataOptions.HttpTokens"
}

test_instance_without_options_or_template_fails if {
	f := only(rule.deny) with input as {"resources": [instance({"ImageId": "ami-1", "InstanceType": "t3.micro"}, {}, [])]}
	f.status == "fail"
	f.path == "MetadataOptions.HttpTokens"
	contains(f.message, "launch it from a launch template")
}

test_instance_from_requiring_template_passes if {
	i := instance({"LaunchTemplate": {"LaunchTemplateId": "${WebLaunchTemplate}", "Version": "${WebLaunchTemplate.LatestVersionNumber}"}}, lt_ref, [])
	count(rule.deny) == 0 with input as {"resources": [i, template({"HttpTokens": "required"})]}
}

test_instance_from_optional_template_fails_both if {
	i := instance({"LaunchTemplate": {"LaunchTemplateId": "${WebLaunchTemplate}", "Version": "1"}}, lt_ref, [])
	fs := rule.deny with input as {"resources": [i, template({"HttpTokens": "optional"})]}
	count(fs) == 2
	some f in fs
	f.resource == "Bastion"
	f.path == "LaunchTemplate.LaunchTemplateId"
	contains(f.message, "launch template WebLaunchTemplate does not require tokens")
}

test_instance_from_external_template_fails if {
	i := instance({"LaunchTemplate": {"LaunchTemplateName": "golden-web", "Version": "3"}}, {}, [])
	f := only(rule.deny) with input as {"resources": [i]}
	f.status == "fail"
	f.path == "LaunchTemplate.LaunchTemplateName"
	contains(f.message, "not defined in this template")
}

test_instance_unknown_template_is_undecided if {
	i := instance({"LaunchTemplate": {"LaunchTemplateId": null, "Version": "1"}}, {}, [{"path": "LaunchTemplate.LaunchTemplateId", "reason": "parameter LaunchTemplateId has no value"}])
	f := only(rule.deny) with input as {"resources": [i]}
	f.status == "unknown"
	f.path == "LaunchTemplate.LaunchTemplateId"
}

test_instance_own_options_override_template if {
	i := instance({"MetadataOptions": {"HttpTokens": "required"}, "LaunchTemplate": {"LaunchTemplateId": "${WebLaunchTemplate}", "Version": "1"}}, lt_ref, [])
	fs := rule.deny with input as {"resources": [i, template({"HttpTokens": "optional"})]}
	every f in fs { f.resource == "WebLaunchTemplate" }
}

test_instance_unknown_own_tokens_is_undecided if {
	i := instance({"MetadataOptions": {"HttpTokens": null}}, {}, [{"path": "MetadataOptions.HttpTokens", "reason": "condition Strict depends on parameter Env"}])
	f := only(rule.deny) with input as {"resources": [i]}
	f.status == "unknown"
}

test_launch_configuration_checked if {
	lc := {"address": "WorkerConfig", "type": "AWS::AutoScaling::LaunchConfiguration", "properties": {"ImageId": "ami-1", "InstanceType": "m5.large"}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"resources": [lc]}
	f.path == "MetadataOptions.HttpTokens"
	f.status == "fail"
}
