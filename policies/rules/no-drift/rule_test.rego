package stackgate.rules.no_drift_test

import data.stackgate.rules.no_drift as rule

res(action, drifted, paths) := {
	"address": "aws_s3_bucket.logs", "type": "AWS::S3::Bucket",
	"properties": {"BucketName": "acme-logs", "VersioningConfiguration": {"Status": "Enabled"}, "ObjectLockEnabled": null},
	"unknown_paths": [{"path": "NotificationConfiguration", "reason": "aws_sns_topic.x.arn is known only after apply"}], "references": {},
	"change": {"action": action, "changed_paths": ["BucketName"], "drifted": drifted, "drifted_paths": paths},
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_drift_on_set_property_fails if {
	f := only(rule.deny) with input as {"resources": [res("update", true, ["ObjectLockEnabled", "VersioningConfiguration.Status"])]}
	f.status == "fail"
	f.path == "VersioningConfiguration.Status"
	f.message == "aws_s3_bucket.logs has drifted from its code (VersioningConfiguration.Status) and would be updated; reconcile the drift before changing it."
}

test_drift_on_unset_property_is_noise if {
	count(rule.deny) == 0 with input as {"resources": [res("update", true, ["ObjectLockEnabled", "Tags"])]}
}

test_drift_on_unknown_property_counts if {
	f := only(rule.deny) with input as {"resources": [res("replace", true, ["NotificationConfiguration"])]}
	f.path == "NotificationConfiguration"
	contains(f.message, "would be replaced")
}

test_no_change_with_drift_passes if {
	count(rule.deny) == 0 with input as {"resources": [res("none", true, ["BucketName"]), res("create", true, ["BucketName"]), res("delete", true, ["BucketName"])]}
}

test_update_without_drift_passes if {
	count(rule.deny) == 0 with input as {"resources": [res("update", false, [])]}
}

test_no_change_info_passes if {
	count(rule.deny) == 0 with input as {"resources": [{"address": "b", "type": "AWS::S3::Bucket", "properties": {}, "unknown_paths": [], "references": {}}]}
}

test_drift_not_checked_is_unknown if {
	r := object.union(res("update", false, []), {"change": {"action": "update", "changed_paths": ["BucketName"], "drifted": false, "drifted_paths": [], "drift_unknown": "drift detection failed: throttled"}})
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "unknown"
	f.path == ""
	f.message == "Whether aws_s3_bucket.logs has drifted from its code could not be checked (drift detection failed: throttled), and it would be updated."
}

test_drift_not_checked_on_create_passes if {
	r := object.union(res("create", false, []), {"change": {"action": "create", "drifted": false, "drift_unknown": "offline"}})
	count(rule.deny) == 0 with input as {"resources": [r]}
}
