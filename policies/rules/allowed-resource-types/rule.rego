# METADATA
# title: Only allowed resource types are deployed
# description: |
#   Service gating per environment: a resource whose CloudFormation type
#   matches a deny pattern, or matches no allow pattern when allow patterns
#   are given, may not be deployed. Patterns are globs over the whole type
#   name, e.g. AWS::S3::* or AWS::*::Function; deny wins over allow.
#   Terraform resources are matched by the CloudFormation type they map to.
# related_resources:
#   - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
# custom:
#   id: allowed-resource-types
#   severity: high
#   resource_types: ["*"]
#   layers: [editor, ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Remove the resource, replace it with an allowed service, or ask the platform team to allow the type for this environment.
#     terraform: Remove the resource, replace it with an allowed service, or ask the platform team to allow the type for this environment.
#   parameters:
#     $schema: https://json-schema.org/draft/2020-12/schema
#     type: object
#     additionalProperties: false
#     properties:
#       allow:
#         description: Glob patterns of the CloudFormation types that may be deployed; empty allows every type not denied.
#         type: array
#         items:
#           type: string
#           minLength: 1
#         default: []
#       deny:
#         description: Glob patterns of the CloudFormation types that may not be deployed.
#         type: array
#         items:
#           type: string
#           minLength: 1
#         default: []
package stackgate.rules.allowed_resource_types

import data.stackgate.lib

id := "allowed-resource-types"

allow := lib.param(id, "allow", [])

deny_patterns := lib.param(id, "deny", [])

deny contains f if {
	some r in input.resources
	pattern := _denied_by(r.type)
	pattern != null
	f := lib.fail(r, "", sprintf("%s is of type %s, which this environment denies (pattern %s).", [r.address, r.type, pattern]))
}

deny contains f if {
	some r in input.resources
	_denied_by(r.type) == null
	count(allow) > 0
	_allowed(r.type) == false
	f := lib.fail(r, "", sprintf("%s is of type %s, which is not among the types this environment allows (%s).", [r.address, r.type, concat(", ", allow)]))
}

# denied_by(t) is the first deny pattern matching t. Globs use no
# delimiters: * matches across the :: separators. (Worked out once per
# type by _denied_by and _allowed, whose value is null or false rather than
# undefined when nothing matches: OPA remembers a function's value for the
# same arguments, but not that it was undefined, and every resource asks.)
denied_by(t) := pattern if {
	pattern := _denied_by(t)
	pattern != null
}

_denied_by(t) := matches[0] if {
	matches := [p | some p in deny_patterns; glob.match(p, null, t)]
	count(matches) > 0
} else := null

allowed(t) if _allowed(t)

_allowed(t) := true if {
	some p in allow
	glob.match(p, null, t)
} else := false
