package stackgate.rules.s3_dual_layer_encryption_test

import data.stackgate.rules.s3_dual_layer_encryption as rule

alg_path := "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"

key_path := "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID"

bucket(by_default) := {
	"address": "AuditLogs", "type": "AWS::S3::Bucket",
	"properties": {"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": by_default, "BucketKeyEnabled": true}]}},
	"unknown_paths": [], "references": {},
}

with_key_ref(r, type) := object.union(r, {"references": {key_path: {"address": "AuditKey", "type": type, "attribute": "Arn"}}})

with_unknown(r, path) := object.union(r, {"unknown_paths": [{"path": path, "reason": "parameter KeyArn has no value"}]})

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_dsse_with_key_resource_passes if {
	r := with_key_ref(bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "${AuditKey.Arn}"}), "AWS::KMS::Key")
	count(rule.deny) == 0 with input as {"resources": [r]}
}

test_dsse_with_alias_resource_passes if {
	r := with_key_ref(bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "${AuditKeyAlias}"}), "AWS::KMS::Alias")
	count(rule.deny) == 0 with input as {"resources": [r]}
}

test_reference_wins_over_unknown if {
	r := with_unknown(with_key_ref(bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": null}), "AWS::KMS::Key"), key_path)
	count(rule.deny) == 0 with input as {"resources": [r]}
}

test_dsse_with_literal_customer_key_passes if {
	r := bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
	count(rule.deny) == 0 with input as {"resources": [r]}
}

test_sse_kms_fails_at_algorithm if {
	r := with_key_ref(bucket({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "${AuditKey.Arn}"}), "AWS::KMS::Key")
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "fail"
	f.path == alg_path
	contains(f.message, "aws:kms;")
}

test_aes256_fails if {
	f := only(rule.deny) with input as {"resources": [bucket({"SSEAlgorithm": "AES256"})]}
	f.status == "fail"
	f.path == alg_path
}

test_missing_key_fails if {
	f := only(rule.deny) with input as {"resources": [bucket({"SSEAlgorithm": "aws:kms:dsse"})]}
	f.status == "fail"
	f.path == key_path
	contains(f.message, "without KMSMasterKeyID")
}

test_aws_managed_alias_fails if {
	f := only(rule.deny) with input as {"resources": [bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "alias/aws/s3"})]}
	f.status == "fail"
	f.path == key_path
}

test_aws_managed_alias_arn_fails if {
	r := bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"})
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "fail"
	not contains(f.message, "111122223333")
}

test_no_encryption_fails if {
	r := {"address": "AuditLogs", "type": "AWS::S3::Bucket", "properties": {}, "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"resources": [r]}
	f.path == "BucketEncryption"
	f.status == "fail"
}

test_unknown_key_is_undecided if {
	r := with_unknown(bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": null}), key_path)
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "unknown"
	f.path == key_path
}

test_unknown_algorithm_is_undecided if {
	r := with_unknown(bucket({"SSEAlgorithm": null}), alg_path)
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "unknown"
	f.path == alg_path
}

test_unknown_encryption_is_undecided if {
	r := with_unknown({"address": "AuditLogs", "type": "AWS::S3::Bucket", "properties": {"BucketEncryption": null}, "unknown_paths": [], "references": {}}, "BucketEncryption")
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "unknown"
	f.path == "BucketEncryption"
}

test_reference_to_non_kms_resource_is_undecided if {
	r := with_key_ref(bucket({"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "${KeyLookup.Arn}"}), "AWS::CloudFormation::CustomResource")
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "unknown"
}

test_other_types_ignored if {
	count(rule.deny) == 0 with input as {"resources": [{"address": "K", "type": "AWS::KMS::Key", "properties": {}, "unknown_paths": [], "references": {}}]}
}
