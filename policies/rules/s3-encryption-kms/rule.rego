# METADATA
# title: S3 buckets encrypt with KMS
# description: |
#   Every S3 bucket encrypts objects at rest with a KMS key (SSE-KMS, or
#   dual-layer DSSE-KMS), not only with S3 managed keys (SSE-S3, AES256).
#   With KMS, key policies and CloudTrail control and record who can decrypt
#   the data; SSE-S3 gives anyone with s3:GetObject the plaintext.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
# custom:
#   id: s3-encryption-kms
#   severity: high
#   resource_types: ["AWS::S3::Bucket"]
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Set BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.SSEAlgorithm to aws:kms (or aws:kms:dsse) and KMSMasterKeyID to a customer managed key.
#     terraform: Add an aws_s3_bucket_server_side_encryption_configuration for the bucket with sse_algorithm = "aws:kms" (or "aws:kms:dsse") and kms_master_key_id set to a customer managed key.
package stackgate.rules.s3_encryption_kms

import data.stackgate.lib

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	count(object.get(r.properties, ["BucketEncryption", "ServerSideEncryptionConfiguration"], [])) == 0
	not lib.unknown_within(r, "BucketEncryption")
	f := lib.fail(r, "BucketEncryption", sprintf("Bucket %s has no default encryption configuration, so S3 uses SSE-S3 (AES256) rather than a KMS key.", [r.address]))
}

# The whole configuration list is unknown (a dynamic block over a value
# known only after apply): undecided, never a silent pass.
deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.unknown(r, "BucketEncryption.ServerSideEncryptionConfiguration")
	f := lib.undecided(r, "BucketEncryption", sprintf("The encryption configuration of bucket %s is not known statically, so it cannot be checked for KMS here.", [r.address]))
}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	some i, cfg in r.properties.BucketEncryption.ServerSideEncryptionConfiguration
	path := sprintf("BucketEncryption.ServerSideEncryptionConfiguration[%d].ServerSideEncryptionByDefault.SSEAlgorithm", [i])
	not lib.unknown(r, path)
	algorithm := object.get(cfg, ["ServerSideEncryptionByDefault", "SSEAlgorithm"], "AES256")
	not algorithm in kms_algorithms
	f := lib.fail(r, path, sprintf("Bucket %s encrypts with %s (S3 managed keys); it must use aws:kms or aws:kms:dsse.", [r.address, algorithm]))
}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	some i, _ in r.properties.BucketEncryption.ServerSideEncryptionConfiguration
	path := sprintf("BucketEncryption.ServerSideEncryptionConfiguration[%d].ServerSideEncryptionByDefault.SSEAlgorithm", [i])
	lib.unknown(r, path)
	f := lib.undecided(r, path, sprintf("The encryption algorithm of bucket %s is not known statically, so it cannot be checked for KMS here.", [r.address]))
}
