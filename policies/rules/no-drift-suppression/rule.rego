# METADATA
# title: No lifecycle ignore_changes hides drift
# description: |
#   In an immutable or drift-controlled environment no resource uses
#   Terraform's lifecycle ignore_changes (or ignore_changes = all): it makes
#   Terraform ignore differences between the code and the live resource, so
#   manual changes are never shown as drift and never reverted.
# related_resources:
#   - https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#ignore_changes
# custom:
#   id: no-drift-suppression
#   severity: medium
#   resource_types: ["*"]
#   layers: [ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: CloudFormation has no ignore_changes; nothing to change for CloudFormation resources.
#     terraform: Remove ignore_changes from the resource's lifecycle block and manage the attribute in code (or with a separate resource) instead.
package stackgate.rules.no_drift_suppression

import data.stackgate.lib

path := "lifecycle.ignore_changes"

deny contains f if {
	some r in input.resources
	r.lifecycle.ignore_all_changes == true
	f := lib.fail(r, path, sprintf("%s ignores all changes (lifecycle ignore_changes = all), which hides drift; remove it.", [r.address]))
}

deny contains f if {
	some r in input.resources
	not r.lifecycle.ignore_all_changes == true
	count(object.get(r.lifecycle, "ignore_changes", [])) > 0
	f := lib.fail(r, path, sprintf("%s ignores changes to %s (lifecycle ignore_changes), which hides drift on them; remove it.", [r.address, concat(", ", r.lifecycle.ignore_changes)]))
}
