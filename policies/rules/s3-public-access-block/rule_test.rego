package stackgate.rules.s3_public_access_block_test

import data.stackgate.rules.s3_public_access_block as rule

all_true := {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}

bucket(props, unknown) := {"address": "Uploads", "type": "AWS::S3::Bucket", "properties": props, "unknown_paths": unknown, "references": {}}

test_all_four_true_passes if {
	count(rule.deny) == 0 with input as {"resources": [bucket({"PublicAccessBlockConfiguration": all_true}, [])]}
}

test_missing_block_is_one_finding if {
	fs := rule.deny with input as {"resources": [bucket({"BucketName": "uploads"}, [])]}
	count(fs) == 1
	some f in fs
	f.path == "PublicAccessBlockConfiguration"
	f.status == "fail"
}

test_each_false_or_missing_setting_is_a_finding if {
	cfg := {"BlockPublicAcls": true, "BlockPublicPolicy": false, "IgnorePublicAcls": true}
	fs := rule.deny with input as {"resources": [bucket({"PublicAccessBlockConfiguration": cfg}, [])]}
	{f.path | some f in fs; f.status == "fail"} == {"PublicAccessBlockConfiguration.BlockPublicPolicy", "PublicAccessBlockConfiguration.RestrictPublicBuckets"}
	count(fs) == 2
}

test_message_says_what_is_wrong if {
	cfg := object.union(all_true, {"IgnorePublicAcls": false})
	some f in rule.deny with input as {"resources": [bucket({"PublicAccessBlockConfiguration": cfg}, [])]}
	f.message == "Bucket Uploads disables IgnorePublicAcls; it must be true."
}

test_unknown_setting_is_undecided if {
	cfg := object.union(all_true, {"BlockPublicPolicy": null})
	fs := rule.deny with input as {"resources": [bucket({"PublicAccessBlockConfiguration": cfg}, [{"path": "PublicAccessBlockConfiguration.BlockPublicPolicy", "reason": "parameter AllowPolicies has no value"}])]}
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.path == "PublicAccessBlockConfiguration.BlockPublicPolicy"
}

test_unknown_block_is_one_undecided if {
	fs := rule.deny with input as {"resources": [bucket({"PublicAccessBlockConfiguration": null}, [{"path": "PublicAccessBlockConfiguration", "reason": "condition IsPublic depends on parameter Env"}])]}
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.path == "PublicAccessBlockConfiguration"
}
