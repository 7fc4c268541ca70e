package stackgate.rules.no_drift_suppression_test

import data.stackgate.rules.no_drift_suppression as rule

res(lifecycle) := {"address": "aws_instance.web", "type": "AWS::EC2::Instance", "properties": {}, "unknown_paths": [], "references": {}, "lifecycle": lifecycle}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_ignore_changes_fails if {
	f := only(rule.deny) with input as {"resources": [res({"ignore_changes": ["tags", "ami"], "ignore_all_changes": false})]}
	f.status == "fail"
	f.path == "lifecycle.ignore_changes"
	f.message == "aws_instance.web ignores changes to tags, ami (lifecycle ignore_changes), which hides drift on them; remove it."
}

test_ignore_all_changes_fails_once if {
	f := only(rule.deny) with input as {"resources": [res({"ignore_changes": [], "ignore_all_changes": true})]}
	contains(f.message, "ignores all changes")
}

test_other_lifecycle_settings_pass if {
	count(rule.deny) == 0 with input as {"resources": [res({"ignore_changes": [], "ignore_all_changes": false, "prevent_destroy": true, "create_before_destroy": true})]}
}

test_no_lifecycle_passes if {
	count(rule.deny) == 0 with input as {"resources": [{"address": "Bucket", "type": "AWS::S3::Bucket", "properties": {}, "unknown_paths": [], "references": {}}]}
}
