# METADATA
# title: Immutable environments change by replacement, not in place
# description: |
#   In an immutable environment a resource is never modified in place: a
#   change is rolled out as a new resource or a new stack (blue/green) and
#   the old one is retired, so what runs is always exactly what was built
#   and tested. A pending update (plan or deployment hook) fails unless
#   every property it changes is covered by the allow_changes parameter,
#   e.g. Tags, whose changes are harmless. Replacements, creations and
#   deletions pass. The editor does not know pending changes.
# related_resources:
#   - https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_tracking_change_management_immutable_infrastructure.html
# custom:
#   id: immutable-no-in-place-update
#   severity: high
#   resource_types: ["*"]
#   layers: [ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Deploy the change as a new stack (blue/green) or as a new resource with a new logical id, then retire the old one; do not update the resource in place.
#     terraform: Roll the change out as a new resource (a new name, or create_before_destroy with replace_triggered_by) or a new deployment, then retire the old one; do not update the resource in place.
#   parameters:
#     $schema: https://json-schema.org/draft/2020-12/schema
#     type: object
#     additionalProperties: false
#     properties:
#       allow_changes:
#         description: Property names or paths (CloudFormation shape, e.g. Tags) that may change in place; a path covers everything below it.
#         type: array
#         items:
#           type: string
#           minLength: 1
#         uniqueItems: true
#         default: []
package stackgate.rules.immutable_no_in_place_update

import data.stackgate.lib

id := "immutable-no-in-place-update"

allow_changes := lib.param(id, "allow_changes", [])

deny contains f if {
	some r in input.resources
	lib.updated(r)
	disallowed := [p | some p in r.change.changed_paths; not allowed(p)]
	count(disallowed) > 0
	f := lib.fail(r, disallowed[0], sprintf("%s would be updated in place (%s changes), but this environment is immutable; deploy a replacement resource or a new stack instead.", [r.address, describe(disallowed)]))
}

deny contains f if {
	some r in input.resources
	lib.updated(r)
	count(object.get(r.change, "changed_paths", [])) == 0
	f := lib.undecided(r, "", sprintf("%s would be updated in place, but the layer does not know which properties change, so allow_changes cannot be applied here.", [r.address]))
}

allowed(p) if {
	some a in allow_changes
	lib.covers(a, p)
}

describe(paths) := paths[0] if count(paths) == 1

describe(paths) := sprintf("%s and %d more", [paths[0], count(paths) - 1]) if count(paths) > 1
