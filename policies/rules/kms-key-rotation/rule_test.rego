package stackgate.rules.kms_key_rotation_test

import data.stackgate.rules.kms_key_rotation as rule

key(props, unknown) := {"address": "DataKey", "type": "AWS::KMS::Key", "properties": props, "unknown_paths": unknown, "references": {}}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_rotating_key_passes if {
	count(rule.deny) == 0 with input as {"resources": [key({"EnableKeyRotation": true, "KeySpec": "SYMMETRIC_DEFAULT"}, [])]}
}

test_default_spec_without_rotation_fails if {
	f := only(rule.deny) with input as {"resources": [key({"Description": "orders data"}, [])]}
	f.status == "fail"
	f.path == "EnableKeyRotation"
	contains(f.message, "without EnableKeyRotation")
}

test_rotation_false_fails if {
	f := only(rule.deny) with input as {"resources": [key({"EnableKeyRotation": false}, [])]}
	f.status == "fail"
	contains(f.message, "EnableKeyRotation false")
}

test_asymmetric_and_hmac_keys_are_exempt if {
	count(rule.deny) == 0 with input as {"resources": [
		key({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}, []),
		key({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "EnableKeyRotation": false}, []),
		key({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}, []),
	]}
}

test_imported_key_material_is_exempt if {
	count(rule.deny) == 0 with input as {"resources": [key({"Origin": "EXTERNAL"}, [])]}
}

test_unknown_rotation_is_undecided if {
	f := only(rule.deny) with input as {"resources": [key({"EnableKeyRotation": null}, [{"path": "EnableKeyRotation", "reason": "parameter Rotate has no value"}])]}
	f.status == "unknown"
	f.path == "EnableKeyRotation"
}

test_unknown_spec_without_rotation_is_undecided if {
	f := only(rule.deny) with input as {"resources": [key({"KeySpec": null}, [{"path": "KeySpec", "reason": "parameter KeySpec has no value"}])]}
	f.status == "unknown"
	f.path == "KeySpec"
}

test_unknown_spec_with_rotation_passes if {
	count(rule.deny) == 0 with input as {"resources": [key({"KeySpec": null, "EnableKeyRotation": true}, [{"path": "KeySpec", "reason": "parameter KeySpec has no value"}])]}
}

test_unknown_rotation_of_exempt_key_passes if {
	count(rule.deny) == 0 with input as {"resources": [key({"KeySpec": "RSA_4096", "EnableKeyRotation": null}, [{"path": "EnableKeyRotation", "reason": "parameter Rotate has no value"}])]}
}
