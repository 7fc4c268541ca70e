# METADATA
# title: Customer managed symmetric KMS keys rotate
# description: |
#   Every customer managed symmetric encryption KMS key (KeySpec
#   SYMMETRIC_DEFAULT, the default when KeySpec is absent) has automatic key
#   rotation on (EnableKeyRotation true), which limits how much data one key
#   version protects. Asymmetric and HMAC keys, and keys with imported key
#   material (Origin EXTERNAL), are exempt: KMS does not support automatic
#   rotation for them.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
# custom:
#   id: kms-key-rotation
#   severity: medium
#   resource_types: ["AWS::KMS::Key"]
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Set EnableKeyRotation to true on the AWS::KMS::Key (optionally with RotationPeriodInDays).
#     terraform: Set enable_key_rotation = true on the aws_kms_key (optionally with rotation_period_in_days).
package stackgate.rules.kms_key_rotation

import data.stackgate.lib

deny contains f if {
	some r in lib.resources("AWS::KMS::Key")
	verdict(r) == "fail"
	f := lib.fail(r, "EnableKeyRotation", sprintf("KMS key %s is a symmetric encryption key %s; set EnableKeyRotation to true.", [r.address, rotation_state(r)]))
}

deny contains f if {
	some r in lib.resources("AWS::KMS::Key")
	verdict(r) == "unknown"
	path := unknown_input(r)
	f := lib.undecided(r, path, sprintf("KMS key %s cannot be checked for rotation here: its %s is not known statically.", [r.address, path]))
}

# verdict(r) decides in the order that needs the fewest known values: a
# rotating key passes whatever its spec; an exempt key passes whatever its
# rotation setting.
verdict(r) := "pass" if {
	not lib.unknown(r, "EnableKeyRotation")
	lib.value(r, "EnableKeyRotation") == true
} else := "pass" if {
	exempt(r)
} else := "unknown" if {
	unknown_input(r)
} else := "fail"

# exempt(r): the key's spec or origin is known and rules out automatic
# rotation.
exempt(r) if {
	not lib.unknown(r, "KeySpec")
	object.get(r.properties, "KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT"
}

exempt(r) if {
	not lib.unknown(r, "Origin")
	not object.get(r.properties, "Origin", "AWS_KMS") in {"AWS_KMS", null}
}

# unknown_input(r) is the first value the verdict depends on that is unknown.
unknown_input(r) := "EnableKeyRotation" if {
	lib.unknown(r, "EnableKeyRotation")
} else := "KeySpec" if {
	lib.unknown(r, "KeySpec")
} else := "Origin" if {
	lib.unknown(r, "Origin")
}

rotation_state(r) := "with EnableKeyRotation false" if lib.value(r, "EnableKeyRotation") == false

rotation_state(r) := "without EnableKeyRotation, so rotation is off" if lib.value(r, "EnableKeyRotation") != false
