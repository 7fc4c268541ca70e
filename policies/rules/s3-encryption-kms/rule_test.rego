package stackgate.rules.s3_encryption_kms_test

import data.stackgate.rules.s3_encryption_kms

bucket(props) := {"address": "Data", "type": "AWS::S3::Bucket", "properties": props, "unknown_paths": []}

sse(alg) := {"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": alg}}]}}

test_kms_passes if {
	count(s3_encryption_kms.deny) == 0 with input as {"resources": [bucket(sse("aws:kms"))]}
}

test_dsse_passes if {
	count(s3_encryption_kms.deny) == 0 with input as {"resources": [bucket(sse("aws:kms:dsse"))]}
}

test_aes256_fails if {
	some f in s3_encryption_kms.deny with input as {"resources": [bucket(sse("AES256"))]}
	f.status == "fail"
	f.path == "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"
}

test_missing_encryption_fails if {
	some f in s3_encryption_kms.deny with input as {"resources": [bucket({})]}
	f.path == "BucketEncryption"
	f.status == "fail"
}

test_unknown_algorithm_is_unknown if {
	r := object.union(bucket(sse(null)), {"unknown_paths": [{"path": "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm", "reason": "parameter Alg has no value"}]})
	fs := s3_encryption_kms.deny with input as {"resources": [r]}
	count(fs) == 1
	some f in fs
	f.status == "unknown"
}

test_unknown_whole_encryption_is_not_fail if {
	r := object.union(bucket({"BucketEncryption": null}), {"unknown_paths": [{"path": "BucketEncryption", "reason": "condition UseKms depends on parameter Env"}]})
	fs := s3_encryption_kms.deny with input as {"resources": [r]}
	every f in fs { f.status != "fail" }
}

test_other_types_ignored if {
	count(s3_encryption_kms.deny) == 0 with input as {"resources": [{"address": "K", "type": "AWS::KMS::Key", "properties": {}, "unknown_paths": []}]}
}

test_unknown_configuration_list_is_unknown if {
	r := object.union(bucket({"BucketEncryption": {"ServerSideEncryptionConfiguration": null}}), {"unknown_paths": [{"path": "BucketEncryption.ServerSideEncryptionConfiguration", "reason": "for_each of dynamic rule is unknown"}]})
	fs := s3_encryption_kms.deny with input as {"resources": [r]}
	count(fs) == 1
	some f in fs
	f.status == "unknown"
}

test_empty_configuration_fails if {
	some f in s3_encryption_kms.deny with input as {"resources": [bucket({"BucketEncryption": {}})]}
	f.status == "fail"
	f.path == "BucketEncryption"
}
