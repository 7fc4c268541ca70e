# METADATA
# title: S3 buckets use dual-layer encryption with a customer managed key
# description: |
#   Every S3 bucket encrypts objects by default with dual-layer server-side
#   encryption (DSSE-KMS, SSEAlgorithm aws:kms:dsse) under a customer managed
#   KMS key. DSSE-KMS applies two independent layers of encryption, which
#   regulated workloads (CNSSP 15, data-at-rest capability packages) require;
#   the AWS managed key alias/aws/s3 cannot be given a restrictive key policy,
#   so a customer managed key is required as well. A key given as a reference
#   to an AWS::KMS::Key or AWS::KMS::Alias resource in the same template or
#   module is customer managed and passes without being resolved.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingDSSEncryption.html
# custom:
#   id: s3-dual-layer-encryption
#   severity: critical
#   resource_types: ["AWS::S3::Bucket"]
#   layers: [editor, ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Set BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.SSEAlgorithm to aws:kms:dsse and KMSMasterKeyID to the ARN of a customer managed key, e.g. !GetAtt of an AWS::KMS::Key in the stack.
#     terraform: In the bucket's aws_s3_bucket_server_side_encryption_configuration set sse_algorithm = "aws:kms:dsse" and kms_master_key_id to a customer managed key (aws_kms_key.<name>.arn), never alias/aws/s3.
package stackgate.rules.s3_dual_layer_encryption

import data.stackgate.lib

# customer_key_types are the resource types a key reference may point at
# for the key to be customer managed: an AWS::KMS::Alias resource cannot
# name an AWS managed key (alias/aws/* is reserved).
customer_key_types := {"AWS::KMS::Key", "AWS::KMS::Alias", "AWS::KMS::ReplicaKey"}

default_prefix := "BucketEncryption.ServerSideEncryptionConfiguration"

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	count(object.get(r.properties, ["BucketEncryption", "ServerSideEncryptionConfiguration"], [])) == 0
	not lib.unknown_within(r, "BucketEncryption")
	f := lib.fail(r, "BucketEncryption", sprintf("Bucket %s has no default encryption configuration; it must use aws:kms:dsse with a customer managed KMS key.", [r.address]))
}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.unknown(r, "BucketEncryption.ServerSideEncryptionConfiguration")
	f := lib.undecided(r, "BucketEncryption", sprintf("The encryption configuration of bucket %s is not known statically, so it cannot be checked for dual-layer encryption here.", [r.address]))
}

deny contains f if {
	some [r, _, path] in algorithm_paths
	lib.unknown(r, path)
	f := lib.undecided(r, path, sprintf("The encryption algorithm of bucket %s is not known statically, so it cannot be checked for aws:kms:dsse here.", [r.address]))
}

deny contains f if {
	some [r, _, path] in algorithm_paths
	not lib.unknown(r, path)
	algorithm := lib.value(r, path)
	algorithm != "aws:kms:dsse"
	f := lib.fail(r, path, sprintf("Bucket %s encrypts with %s; it must use dual-layer encryption, aws:kms:dsse.", [r.address, describe(algorithm)]))
}

deny contains f if {
	some [r, _, path] in key_paths
	key_verdict(r, path) == "unknown"
	f := lib.undecided(r, path, sprintf("The KMS key of bucket %s is not known statically, so it cannot be checked for a customer managed key here.", [r.address]))
}

deny contains f if {
	some [r, _, path] in key_paths
	key_verdict(r, path) == "missing"
	f := lib.fail(r, path, sprintf("Bucket %s uses aws:kms:dsse without KMSMasterKeyID, so S3 uses the AWS managed key alias/aws/s3; set a customer managed key.", [r.address]))
}

deny contains f if {
	some [r, _, path] in key_paths
	key_verdict(r, path) == "aws_managed"
	f := lib.fail(r, path, sprintf("Bucket %s encrypts with the AWS managed key alias/aws/s3; it must use a customer managed KMS key.", [r.address]))
}

# algorithm_paths is [r, i, path] for each configuration i of bucket r,
# path being its SSEAlgorithm. (Comprehensions rather than partial object
# rules keyed by [r, i]: OPA checks every key of a partial object against
# all the keys before it, which is quadratic in the number of buckets.)
algorithm_paths := [[r, i, path] |
	some r in lib.resources("AWS::S3::Bucket")
	some i, _ in object.get(r.properties, ["BucketEncryption", "ServerSideEncryptionConfiguration"], [])
	path := sprintf("%s[%d].ServerSideEncryptionByDefault.SSEAlgorithm", [default_prefix, i])
]

# key_paths is [r, i, path] for the configurations that do use
# aws:kms:dsse, path being the KMSMasterKeyID (the key of any other
# algorithm is moot: the algorithm already fails).
key_paths := [[r, i, path] |
	some [r, i, algorithm] in algorithm_paths
	not lib.unknown(r, algorithm)
	lib.value(r, algorithm) == "aws:kms:dsse"
	path := sprintf("%s[%d].ServerSideEncryptionByDefault.KMSMasterKeyID", [default_prefix, i])
]

key_verdict(r, path) := "customer" if {
	lib.reference(r, path).type in customer_key_types
} else := "unknown" if {
	lib.unknown(r, path)
} else := "unknown" if {
	# A reference to something that is not a KMS resource (a custom
	# resource, a module output): what it holds is known only at deploy.
	lib.reference(r, path)
} else := "missing" if {
	not is_string(lib.value(r, path))
} else := "missing" if {
	trim_space(lib.value(r, path)) == ""
} else := "aws_managed" if {
	endswith(lib.value(r, path), "alias/aws/s3")
} else := "customer"

describe(null) := "no algorithm"

describe(a) := a if a != null
