package stackgate.rules.immutable_no_in_place_update_test

import data.stackgate.rules.immutable_no_in_place_update as rule

env(allow) := {"rules": {"immutable-no-in-place-update": {"allow_changes": allow}}}

res(action, changed) := {"address": "OrdersDb", "type": "AWS::RDS::DBInstance", "properties": {"DBInstanceClass": "db.r6g.large"}, "unknown_paths": [], "references": {}, "change": {"action": action, "changed_paths": changed, "drifted": false}}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_update_fails_at_first_disallowed_path if {
	f := only(rule.deny) with input as {"environment": env(["Tags"]), "resources": [res("update", ["Tags[0].Value", "DBInstanceClass", "AllocatedStorage"])]}
	f.status == "fail"
	f.path == "DBInstanceClass"
	f.message == "OrdersDb would be updated in place (DBInstanceClass and 1 more changes), but this environment is immutable; deploy a replacement resource or a new stack instead."
}

test_tag_only_update_allowed if {
	count(rule.deny) == 0 with input as {"environment": env(["Tags"]), "resources": [res("update", ["Tags[0].Value", "Tags[2]"])]}
}

test_without_allow_changes_any_update_fails if {
	f := only(rule.deny) with input as {"environment": env([]), "resources": [res("update", ["Tags"])]}
	f.path == "Tags"
}

test_nested_allowed_path if {
	count(rule.deny) == 0 with input as {"environment": env(["LoggingConfiguration.LogFilePrefix"]), "resources": [res("update", ["LoggingConfiguration.LogFilePrefix"])]}
	count(rule.deny) == 1 with input as {"environment": env(["LoggingConfiguration.LogFilePrefix"]), "resources": [res("update", ["LoggingConfiguration"])]}
}

test_other_actions_pass if {
	count(rule.deny) == 0 with input as {"environment": env([]), "resources": [res("replace", ["DBInstanceClass"]), res("create", []), res("delete", []), res("none", [])]}
}

test_no_change_known_passes if {
	r := {"address": "OrdersDb", "type": "AWS::RDS::DBInstance", "properties": {}, "unknown_paths": [], "references": {}}
	count(rule.deny) == 0 with input as {"environment": env([]), "resources": [r]}
}

test_update_with_unknown_changed_paths_is_undecided if {
	f := only(rule.deny) with input as {"environment": env(["Tags"]), "resources": [res("update", [])]}
	f.status == "unknown"
	f.path == ""
}
