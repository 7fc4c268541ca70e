package stackgate.lib.unknown_properties_test

# When a resource's whole Properties are unknown (Fn::Transform AWS::Include
# as the Properties, Fn::If on Properties: unknown path ""), no rule that
# reads a property may fail it; each reports "unknown" instead. Rules that
# judge only the type, region or change (allowed-resource-types,
# allowed-regions, immutable-no-in-place-update, no-drift,
# no-drift-suppression) do not read properties.

import data.stackgate.rules

unknown_props(t) := {
	"address": "Thing",
	"type": t,
	"source_type": t,
	"properties": {},
	"unknown_paths": [{"path": "", "reason": "Fn::Transform (macro AWS::Include) is expanded at deploy time"}],
	"references": {},
}

doc(t) := {"resources": [unknown_props(t)], "environment": {"name": "federal", "rules": {
	"required-tags": {"tags": {"data-classification": ["public", "internal"]}},
	"s3-dual-layer-encryption": {},
}}}

statuses(fs) := {f.status | some f in fs}

# only_unknown holds when the rule reports the resource, and only as unknown.
only_unknown(fs) if {
	count(fs) > 0
	statuses(fs) == {"unknown"}
}

test_s3_versioning if {
	only_unknown(rules.s3_versioning.deny) with input as doc("AWS::S3::Bucket")
}

test_s3_encryption_kms if {
	only_unknown(rules.s3_encryption_kms.deny) with input as doc("AWS::S3::Bucket")
}

test_s3_dual_layer_encryption if {
	only_unknown(rules.s3_dual_layer_encryption.deny) with input as doc("AWS::S3::Bucket")
}

test_s3_public_access_block if {
	only_unknown(rules.s3_public_access_block.deny) with input as doc("AWS::S3::Bucket")
}

test_kms_key_rotation if {
	only_unknown(rules.kms_key_rotation.deny) with input as doc("AWS::KMS::Key")
}

test_ec2_imdsv2_instance if {
	only_unknown(rules.ec2_imdsv2.deny) with input as doc("AWS::EC2::Instance")
}

test_ec2_imdsv2_launch_template if {
	only_unknown(rules.ec2_imdsv2.deny) with input as doc("AWS::EC2::LaunchTemplate")
}

test_ec2_imdsv2_launch_configuration if {
	only_unknown(rules.ec2_imdsv2.deny) with input as doc("AWS::AutoScaling::LaunchConfiguration")
}

test_sg_no_public_ingress_group if {
	only_unknown(rules.sg_no_public_ingress.deny) with input as doc("AWS::EC2::SecurityGroup")
}

test_sg_no_public_ingress_rule if {
	only_unknown(rules.sg_no_public_ingress.deny) with input as doc("AWS::EC2::SecurityGroupIngress")
}

test_required_tags if {
	only_unknown(rules.required_tags.deny) with input as doc("AWS::S3::Bucket")
}

# The rules that do not read properties never fail on an unknown Properties
# block by itself.
test_property_free_rules_do_not_fail if {
	d := doc("AWS::S3::Bucket")
	not "fail" in statuses(rules.allowed_resource_types.deny) with input as d
	not "fail" in statuses(rules.allowed_regions.deny) with input as d
	not "fail" in statuses(rules.immutable_no_in_place_update.deny) with input as d
	not "fail" in statuses(rules.no_drift.deny) with input as d
	not "fail" in statuses(rules.no_drift_suppression.deny) with input as d
}

test_unknown_within_covers_ancestors if {
	data.stackgate.lib.unknown_within({"unknown_paths": [{"path": ""}]}, "VersioningConfiguration")
	data.stackgate.lib.unknown_within({"unknown_paths": [{"path": "A"}]}, "A.B[0]")
	data.stackgate.lib.unknown_within({"unknown_paths": [{"path": "A.B"}]}, "A")
	not data.stackgate.lib.unknown_within({"unknown_paths": [{"path": "A.B"}]}, "A.C")
}
