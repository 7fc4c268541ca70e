# METADATA
# title: S3 buckets block public access
# description: |
#   Every S3 bucket sets all four S3 Block Public Access settings:
#   BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and
#   RestrictPublicBuckets. Together they stop a later ACL or bucket policy
#   change from making objects public by mistake, whatever the account-level
#   setting is. Each setting that is false or missing is its own finding.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
# custom:
#   id: s3-public-access-block
#   severity: high
#   resource_types: ["AWS::S3::Bucket"]
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Add PublicAccessBlockConfiguration to the bucket with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all set to true.
#     terraform: Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all set to true.
package stackgate.rules.s3_public_access_block

import data.stackgate.lib

block := "PublicAccessBlockConfiguration"

settings := ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"]

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.value(r, block) == null
	not lib.unknown_within(r, block)
	f := lib.fail(r, block, sprintf("Bucket %s has no PublicAccessBlockConfiguration; all four public access block settings must be true.", [r.address]))
}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.unknown(r, block)
	f := lib.undecided(r, block, sprintf("The public access block configuration of bucket %s is not known statically, so it cannot be checked here.", [r.address]))
}

# Each setting of a configuration that is there yields at most one
# finding: it is unknown (while the configuration is not), or it is not
# true. One deny body asks setting_finding once per setting, rather than
# two bodies each going over every bucket and setting.
deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	is_object(lib.value(r, block))
	some setting, path in setting_paths
	f := setting_finding(r, setting, path)
}

setting_paths := {setting: concat(".", [block, setting]) | some setting in settings}

setting_finding(r, setting, path) := lib.undecided(r, path, sprintf("%s of bucket %s is not known statically, so it cannot be checked here.", [setting, r.address])) if {
	lib.unknown(r, path)
	not lib.unknown(r, block)
} else := lib.fail(r, path, sprintf("Bucket %s %s %s; it must be true.", [r.address, state(lib.value(r, path)), setting])) if {
	not lib.unknown(r, path)
	lib.value(r, path) != true
}

state(null) := "does not set"

state(v) := "disables" if v != null
