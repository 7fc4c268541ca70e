# METADATA
# title: Deployments only in allowed regions
# description: |
#   Data residency: every resource is deployed only to one of the regions
#   the environment allows. The region is known to the deployment hook (the
#   region of the stack being deployed) and to the plan layer (the provider
#   region in the plan); the editor and a CloudFormation scan without a
#   region do not know it and report nothing for this rule.
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

region := object.get(input, ["context", "region"], "")

deny contains f if {
	region != ""
	not region in regions
	some r in input.resources
	f := lib.fail(r, "", sprintf("%s would be deployed to %s, which is not an allowed region for this environment (allowed: %s).", [r.address, region, concat(", ", regions)]))
}
