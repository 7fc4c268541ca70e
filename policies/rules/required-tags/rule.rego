# METADATA
# title: Resources carry the required tags with allowed values
# description: |
#   Every taggable resource carries the tags the environment requires (the
#   tags parameter), each with one of the allowed values, e.g. a
#   data-classification tag of public, internal, confidential or restricted
#   that data-handling controls and cost reports depend on. A tag listed with
#   no allowed values must be present with any non-empty value. Where a
#   resource keeps its tags, and whether its type takes tags at all, comes
#   from the CloudFormation resource schemas: a Tags list of Key and Value
#   (most types), a map (AWS::SSM::Parameter), another property
#   (AWS::EFS::FileSystem FileSystemTags), or tag specifications, where the
#   entry of the resource's own resource type tags it
#   (AWS::EC2::LaunchTemplate TagSpecifications with ResourceType
#   launch-template). A resource of a type the schemas do not know is
#   checked when it has a Tags property.
# related_resources:
#   - https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html
# custom:
#   id: required-tags
#   severity: medium
#   resource_types: ["*"]
#   layers: [editor, ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Add the required tag to the resource's tags (Tags; for a launch template the TagSpecifications entry with ResourceType launch-template) with one of the allowed values.
#     terraform: Add the required tag to the resource's tags map (or to the provider's default_tags) with one of the allowed values.
#   parameters:
#     $schema: https://json-schema.org/draft/2020-12/schema
#     type: object
#     additionalProperties: false
#     properties:
#       tags:
#         description: Required tag names, each mapped to its allowed values; an empty list allows any non-empty value.
#         type: object
#         additionalProperties:
#           type: array
#           items:
#             type: string
#           uniqueItems: true
#         default: {}
package stackgate.rules.required_tags

import data.stackgate.lib

id := "required-tags"

required := lib.param(id, "tags", {})

# checked is, for each taggable resource r of input.resources, what the
# checks read of its tags, worked out once per resource (a comprehension:
# OPA checks each key of a partial object rule against all the keys before
# it, which is quadratic in the number of resources): the path of each
# required tag's value, and the paths (a list of none or one) of tags not
# known statically as a whole, of an entry with an unknown key, and of a tag
# specification with an unknown resource type.
checked := [{
	"r": r,
	"paths": {name: path | some name, _ in required; path := lib.tag_path(r, name)},
	"unknown": [p | p := lib.tags_unknown_path(r)],
	"unknown_key": [p | p := lib.tag_key_unknown_path(r)],
	"unknown_specification": [p | p := lib.tag_specification_unknown_path(r)],
} |
	some r in input.resources
	lib.taggable(r)
] if count(required) > 0

deny contains f if {
	some c in checked
	some path in c.unknown
	f := lib.undecided(c.r, path, sprintf("The tags of %s are not known statically, so the required tags cannot be checked here.", [c.r.address]))
}

# A required tag is missing: no entry has its key, and no entry has an
# unknown key (or, for tag specifications, an unknown resource type) that
# could be it.
deny contains f if {
	some c in checked
	count(c.unknown) == 0
	count(c.unknown_key) + count(c.unknown_specification) == 0
	some name, allowed in required
	not c.paths[name]
	f := lib.fail(c.r, lib.tags_missing_path(c.r), sprintf("%s (%s) has no %s tag%s.", [c.r.address, c.r.type, name, allowed_hint(allowed)]))
}

deny contains f if {
	some c in checked
	count(c.unknown) == 0
	some name, _ in required
	not c.paths[name]
	some path in c.unknown_key
	f := lib.undecided(c.r, path, sprintf("A tag key of %s is not known statically, so whether it has the %s tag cannot be checked here.", [c.r.address, name]))
}

deny contains f if {
	some c in checked
	count(c.unknown) == 0
	count(c.unknown_key) == 0
	some name, _ in required
	not c.paths[name]
	some path in c.unknown_specification
	f := lib.undecided(c.r, path, sprintf("The resource type of a tag specification of %s is not known statically, so whether it gives %s the %s tag cannot be checked here.", [c.r.address, c.r.address, name]))
}

deny contains f if {
	some c in checked
	some name, path in c.paths
	lib.unknown(c.r, path)
	f := lib.undecided(c.r, path, sprintf("The %s tag of %s is not known statically, so its value cannot be checked here.", [name, c.r.address]))
}

deny contains f if {
	some c in checked
	some name, path in c.paths
	not lib.unknown(c.r, path)
	not valid(lib.value(c.r, path), required[name])
	f := lib.fail(c.r, path, sprintf("The %s tag of %s has %s%s.", [name, c.r.address, value_problem(required[name]), allowed_hint(required[name])]))
}

valid(v, allowed) if {
	count(allowed) == 0
	is_string(v)
	trim_space(v) != ""
}

valid(v, allowed) if v in allowed

value_problem(allowed) := "an empty value" if count(allowed) == 0

value_problem(allowed) := "a value that is not allowed" if count(allowed) > 0

allowed_hint(allowed) := "" if count(allowed) == 0

allowed_hint(allowed) := sprintf(" (allowed values: %s)", [concat(", ", allowed)]) if count(allowed) > 0
