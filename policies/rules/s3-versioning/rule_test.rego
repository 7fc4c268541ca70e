package stackgate.rules.s3_versioning_test

import data.stackgate.rules.s3_versioning as rule

bucket(props, unknown) := {"address": "Artifacts", "type": "AWS::S3::Bucket", "properties": props, "unknown_paths": unknown, "references": {}}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_enabled_passes if {
	count(rule.deny) == 0 with input as {"resources": [bucket({"VersioningConfiguration": {"Status": "Enabled"}}, [])]}
}

test_suspended_fails if {
	f := only(rule.deny) with input as {"resources": [bucket({"VersioningConfiguration": {"Status": "Suspended"}}, [])]}
	f.status == "fail"
	f.path == "VersioningConfiguration.Status"
	f.message == "Bucket Artifacts has versioning Suspended; it must be Enabled."
}

test_missing_configuration_fails if {
	f := only(rule.deny) with input as {"resources": [bucket({}, [])]}
	f.status == "fail"
	f.path == "VersioningConfiguration"
}

test_unknown_status_is_undecided if {
	f := only(rule.deny) with input as {"resources": [bucket({"VersioningConfiguration": {"Status": null}}, [{"path": "VersioningConfiguration.Status", "reason": "parameter VersioningStatus has no value"}])]}
	f.status == "unknown"
	f.path == "VersioningConfiguration.Status"
}

test_unknown_configuration_is_undecided if {
	f := only(rule.deny) with input as {"resources": [bucket({"VersioningConfiguration": null}, [{"path": "VersioningConfiguration", "reason": "condition Keep depends on parameter Env"}])]}
	f.status == "unknown"
}
