# METADATA
# title: Echo tag values (test rule)
# description: A user rule that puts a property value into its message, to test that the engine redacts sensitive values.
# custom:
#   id: test-echo-tags
#   severity: low
#   resource_types: ["*"]
#   layers: [editor, ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Nothing to fix; a test rule.
#     terraform: Nothing to fix; a test rule.
package stackgate.rules.test_echo_tags

import data.stackgate.lib

deny contains f if {
	some r in input.resources
	some i, t in r.properties.Tags
	f := lib.fail(r, sprintf("Tags[%d].Value", [i]), sprintf("%s has tag %s = %s.", [r.address, t.Key, t.Value]))
}
