# METADATA
# title: S3 buckets have versioning enabled
# description: |
#   Every S3 bucket keeps object versions (VersioningConfiguration.Status
#   Enabled), so an overwritten or deleted object can be recovered and
#   ransomware or a faulty job cannot destroy data in one call. A bucket with
#   versioning Suspended or never configured fails.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
# custom:
#   id: s3-versioning
#   severity: medium
#   resource_types: ["AWS::S3::Bucket"]
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Set VersioningConfiguration.Status to Enabled on the bucket.
#     terraform: Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = "Enabled" }.
package stackgate.rules.s3_versioning

import data.stackgate.lib

status_path := "VersioningConfiguration.Status"

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.value(r, "VersioningConfiguration") == null
	not lib.unknown_within(r, "VersioningConfiguration")
	f := lib.fail(r, "VersioningConfiguration", sprintf("Bucket %s has no VersioningConfiguration, so versioning is off; set Status to Enabled.", [r.address]))
}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.value(r, "VersioningConfiguration") != null
	not lib.unknown(r, status_path)
	status := lib.value(r, status_path)
	status != "Enabled"
	f := lib.fail(r, status_path, sprintf("Bucket %s has versioning %s; it must be Enabled.", [r.address, describe(status)]))
}

deny contains f if {
	some r in lib.resources("AWS::S3::Bucket")
	lib.unknown(r, status_path)
	f := lib.undecided(r, status_path, sprintf("The versioning status of bucket %s is not known statically, so it cannot be checked here.", [r.address]))
}

describe(null) := "status unset"

describe(s) := s if s != null
