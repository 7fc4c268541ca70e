# METADATA
# title: Drifted resources are reconciled before they change
# description: |
#   A resource whose live configuration has drifted from its code may not be
#   updated or replaced until the drift is reconciled: the change would
#   silently overwrite (or be built on) a manual fix nobody reviewed. As
#   CloudFormation drift detection does, drift counts only on properties
#   the code sets; a property the code leaves unset that reads back as a
#   default (null becoming false) is refresh noise, not drift. Known to the
#   plan layer (refresh) and the deployment hook; the editor does not know
#   drift.
# related_resources:
#   - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html
# custom:
#   id: no-drift
#   severity: high
#   resource_types: ["*"]
#   layers: [ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Reconcile the drift first, either by reverting the manual change in the console or by putting the live value into the template (or importing it), then deploy the change.
#     terraform: Reconcile the drift first, either by reverting the manual change or by putting the live value into the configuration, then apply the change (terraform plan -refresh-only shows the drift).
package stackgate.rules.no_drift

import data.stackgate.lib

changing := {"update", "replace"}

deny contains f if {
	some r in input.resources
	r.change.drifted == true
	r.change.action in changing
	counted := [p | some p in r.change.drifted_paths; set_in_code(r, p)]
	count(counted) > 0
	f := lib.fail(r, counted[0], sprintf("%s has drifted from its code (%s) and would be %s; reconcile the drift before changing it.", [r.address, describe(counted), past(r.change.action)]))
}

# A layer that could not find out whether the resource drifted (the
# deployment hook when drift detection failed or ran out of time) says why
# in drift_unknown: the rule cannot decide, and the environment's unknown
# setting does.
deny contains f if {
	some r in input.resources
	not r.change.drifted
	r.change.action in changing
	reason := object.get(r.change, "drift_unknown", "")
	reason != ""
	f := lib.undecided(r, "", sprintf("Whether %s has drifted from its code could not be checked (%s), and it would be %s.", [r.address, trim_suffix(reason, "."), past(r.change.action)]))
}

# set_in_code(r, p): the code sets the value at p (an unknown value is set,
# only not known yet).
set_in_code(r, p) if lib.value(r, p) != null

set_in_code(r, p) if lib.unknown(r, p)

describe(paths) := paths[0] if count(paths) == 1

describe(paths) := sprintf("%s and %d more", [paths[0], count(paths) - 1]) if count(paths) > 1

past("update") := "updated"

past("replace") := "replaced"
