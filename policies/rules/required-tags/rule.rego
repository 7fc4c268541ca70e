# METADATA
# title: Resources carry the required tags with allowed values
# description: |
#   Every taggable resource carries the tags the environment requires (the
#   tags parameter), each with one of the allowed values, e.g. a
#   data-classification tag of public, internal, confidential or restricted
#   that data-handling controls and cost reports depend on. A tag listed with
#   no allowed values must be present with any non-empty value. A resource is
#   taggable when it has a Tags property or its type is one of the common
#   taggable types listed in the rule.
# related_resources:
#   - https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html
# custom:
#   id: required-tags
#   severity: medium
#   resource_types: ["*"]
#   layers: [editor, ci, deployment]
#   default_enabled: false
#   remediation:
#     cloudformation: Add the required tag to the resource's Tags list (Key and Value) with one of the allowed values.
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

# taggable_types are common resource types that take tags even when a
# template leaves Tags out (the loader then has no Tags property to see).
taggable_types := {
	"AWS::ApiGateway::RestApi",
	"AWS::AutoScaling::AutoScalingGroup",
	"AWS::CloudFront::Distribution",
	"AWS::CloudTrail::Trail",
	"AWS::DynamoDB::Table",
	"AWS::EC2::Instance",
	"AWS::EC2::InternetGateway",
	"AWS::EC2::LaunchTemplate",
	"AWS::EC2::NatGateway",
	"AWS::EC2::RouteTable",
	"AWS::EC2::SecurityGroup",
	"AWS::EC2::Subnet",
	"AWS::EC2::Volume",
	"AWS::EC2::VPC",
	"AWS::ECR::Repository",
	"AWS::ECS::Cluster",
	"AWS::ECS::Service",
	"AWS::ECS::TaskDefinition",
	"AWS::EFS::FileSystem",
	"AWS::EKS::Cluster",
	"AWS::EKS::Nodegroup",
	"AWS::ElastiCache::ReplicationGroup",
	"AWS::ElasticLoadBalancingV2::LoadBalancer",
	"AWS::ElasticLoadBalancingV2::TargetGroup",
	"AWS::Events::EventBus",
	"AWS::IAM::Role",
	"AWS::IAM::User",
	"AWS::Kinesis::Stream",
	"AWS::KMS::Key",
	"AWS::Lambda::Function",
	"AWS::Logs::LogGroup",
	"AWS::OpenSearchService::Domain",
	"AWS::RDS::DBCluster",
	"AWS::RDS::DBInstance",
	"AWS::Redshift::Cluster",
	"AWS::S3::Bucket",
	"AWS::SecretsManager::Secret",
	"AWS::SNS::Topic",
	"AWS::SQS::Queue",
	"AWS::SSM::Parameter",
	"AWS::StepFunctions::StateMachine",
}

taggable(r) if "Tags" in object.keys(r.properties)

taggable(r) if r.type in taggable_types

taggable(r) if lib.unknown(r, "Tags")

candidates contains r if {
	some r in input.resources
	taggable(r)
}

deny contains f if {
	some r in candidates
	count(required) > 0
	lib.unknown(r, "Tags")
	f := lib.undecided(r, "Tags", sprintf("The tags of %s are not known statically, so the required tags cannot be checked here.", [r.address]))
}

# A required tag is missing: no entry has its key, and no entry has an
# unknown key that could be it.
deny contains f if {
	some r in candidates
	not lib.unknown(r, "Tags")
	some name, allowed in required
	not tag_path(r, name)
	not unknown_key_path(r)
	f := lib.fail(r, missing_path(r), sprintf("%s (%s) has no %s tag%s.", [r.address, r.type, name, allowed_hint(allowed)]))
}

deny contains f if {
	some r in candidates
	not lib.unknown(r, "Tags")
	some name, _ in required
	not tag_path(r, name)
	path := unknown_key_path(r)
	f := lib.undecided(r, path, sprintf("A tag key of %s is not known statically, so whether it has the %s tag cannot be checked here.", [r.address, name]))
}

deny contains f if {
	some r in candidates
	some name, allowed in required
	path := tag_path(r, name)
	lib.unknown(r, path)
	f := lib.undecided(r, path, sprintf("The %s tag of %s is not known statically, so its value cannot be checked here.", [name, r.address]))
}

deny contains f if {
	some r in candidates
	some name, allowed in required
	path := tag_path(r, name)
	not lib.unknown(r, path)
	not valid(lib.value(r, path), allowed)
	f := lib.fail(r, path, sprintf("The %s tag of %s has %s%s.", [name, r.address, value_problem(allowed), allowed_hint(allowed)]))
}

# tag_path(r, name) is the path of the value of tag name: Tags[i].Value for
# the list form most types use, Tags.<name> for the map form
# (AWS::SSM::Parameter and a few others).
tag_path(r, name) := paths[0] if {
	is_array(r.properties.Tags)
	paths := [sprintf("Tags[%d].Value", [i]) | some i, tag in r.properties.Tags; tag.Key == name]
	count(paths) > 0
}

tag_path(r, name) := concat(".", ["Tags", name]) if {
	is_object(r.properties.Tags)
	name in object.keys(r.properties.Tags)
}

# unknown_key_path(r) is the path of the first tag entry whose key is not
# known statically.
unknown_key_path(r) := paths[0] if {
	paths := [p |
		some i, _ in r.properties.Tags
		p := sprintf("Tags[%d]", [i])
		lib.unknown(r, concat(".", [p, "Key"]))
	]
	count(paths) > 0
}

missing_path(r) := "Tags" if lib.value(r, "Tags") != null

missing_path(r) := "" if lib.value(r, "Tags") == null

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
