# METADATA
# title: Deployments only in allowed regions
# description: |
#   Data residency: every resource is deployed only to one of the regions
#   the environment allows. A resource's region is the one its source gives
#   it (a Terraform resource: the region of its provider configuration,
#   through provider aliases and module providers maps, or its own region
#   argument), else the region of the deployment: the stack's at deploy
#   time, --region, a plan's provider. Where none is known (the editor or a
#   CloudFormation scan without a region, a Terraform provider without a
#   region argument) the rule reports nothing; where the region is set but
#   cannot be evaluated statically (a provider region from a variable
#   without a value) it reports the resource as unknown, never as passing.
#   Resources of other Terraform providers (random_id) are deployed to no
#   AWS region and not checked, nor are resources being deleted.
# related_resources:
#   - https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
# custom:
#   id: allowed-regions
#   severity: high
#   resource_types: ["*"]
#   layers: [editor, ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Deploy the stack to one of the allowed regions (aws cloudformation deploy --region <allowed region>).
#     terraform: Set the provider's region to one of the allowed regions.
#   parameters:
#     $schema: https://json-schema.org/draft/2020-12/schema
#     type: object
#     additionalProperties: false
#     required: [regions]
#     properties:
#       regions:
#         description: AWS regions resources may be deployed to, e.g. us-gov-west-1.
#         type: array
#         items:
#           type: string
#           pattern: "^[a-z]{2}(-[a-z]+)+-[0-9]+$"
#         minItems: 1
#         uniqueItems: true
package stackgate.rules.allowed_regions

import data.stackgate.lib

id := "allowed-regions"

regions := lib.param(id, "regions", [])

context_region := object.get(input, ["context", "region"], "")

# own_region(r) is the region the resource's source gives it; region_unknown(r)
# why that region is not known statically (the engine adds it to the
# finding as what is unknown). Both are "" when the source gives none.
own_region(r) := object.get(r, "region", "")

region_unknown(r) := object.get(r, "region_unknown", "")

# deployed_to(r) is [region, path]: where r is deployed, and the path a finding about it
# is reported at: "region" (the resource's own region argument, else its
# name) when the source gives it, "" (the resource) for the deployment's.
deployed_to(r) := [own_region(r), "region"] if own_region(r) != ""

deployed_to(r) := [context_region, ""] if {
	own_region(r) == ""
	region_unknown(r) == ""
	context_region != ""
}

# checked(r): r is deployed to an AWS region by this change.
checked(r) if {
	not lib.deleted(r)
	aws(r)
}

aws(r) if not startswith(r.type, "Terraform::")

aws(r) if startswith(object.get(r, "source_type", ""), "aws_")

aws(r) if startswith(object.get(r, "source_type", ""), "awscc_")

deny contains f if {
	some r in input.resources
	checked(r)
	[region, path] := deployed_to(r)
	not region in regions
	f := lib.fail(r, path, sprintf("%s would be deployed to %s, which is not an allowed region for this environment (allowed: %s).", [r.address, region, concat(", ", regions)]))
}

deny contains f if {
	some r in input.resources
	checked(r)
	own_region(r) == ""
	region_unknown(r) != ""
	f := lib.undecided(r, "region", sprintf("The region %s would be deployed to is not known statically, so it cannot be checked against the allowed regions (%s) here.", [r.address, concat(", ", regions)]))
}
