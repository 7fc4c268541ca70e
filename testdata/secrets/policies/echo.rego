# METADATA
# title: Echo every property value (canary test only)
# description: |
#   A user rule that prints every property value of every resource in its
#   message: the worst a user rule can do with secrets. stackgate must
#   still never show a sensitive value.
# custom:
#   id: canary-echo
#   severity: low
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Nothing to fix; this rule only tests redaction.
#     terraform: Nothing to fix; this rule only tests redaction.
package stackgate.rules.canary_echo

deny contains f if {
	some r in input.resources
	f := {"resource": r.address, "path": "", "status": "fail", "message": sprintf("%s has properties %v and before %v; lowered: %s", [r.address, r.properties, object.get(r, ["change", "before"], null), lower(sprintf("%v", [r.properties]))])}
}
