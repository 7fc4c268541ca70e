# METADATA
# title: stackgate rule library
# description: |
#   Helpers shared by every stackgate rule (built-in and user rules alike):
#   resource selection, unknown-value handling, tags, parameters and the
#   finding constructors. A rule must check unknown() before it fails a value,
#   so that an unknown value yields status "unknown", never "fail".
package stackgate.lib

# resources(t) is every resource of CloudFormation type t that will exist
# after the change: a resource being deleted is not judged on its
# configuration (rules about deletions read input.resources). The engine
# indexes the resources by type (input.by_type), so a rule only visits the
# resources it is about; hand-written test inputs without the index work too.
resources(t) := object.get(input.by_type, t, []) if input.by_type

resources(t) := [r |
	some r in input.resources
	r.type == t
	not deleted(r)
] if not input.by_type

deleted(r) if r.change.action == "delete"

# unknown(r, path) is true when the value at path, or a value containing it,
# is not known statically (an unresolved parameter or variable, a value known
# only after apply).
unknown(r, path) if {
	some u in r.unknown_paths
	covers(u.path, path)
}

# unknown_within(r, path) is true when some value at or below path is unknown.
unknown_within(r, path) if {
	some u in r.unknown_paths
	covers(path, u.path)
}

covers("", _)

covers(p, p)

covers(prefix, p) if startswith(p, concat("", [prefix, "."]))

covers(prefix, p) if startswith(p, concat("", [prefix, "["]))

# segments(path) splits a property path into its keys (strings) and list
# indexes (numbers): "Tags[3].Value" is ["Tags", 3, "Value"], "" is [].
segments("") := []

# Paths without list indexes (the common case) split without a regex.
segments(path) := split(path, ".") if {
	path != ""
	not contains(path, "[")
}

segments(path) := [seg |
	some m in regex.find_all_string_submatch_n(`\[([0-9]+)\]|([^.\[\]]+)`, path, -1)
	seg := _segment(m)
] if contains(path, "[")

_segment(m) := to_number(m[1]) if m[1] != ""

_segment(m) := m[2] if m[1] == ""

# value(r, path) is the value at path in the resource's properties, or null
# when the path is not set (or is unknown: check unknown() first).
value(r, path) := object.get(r.properties, segments(path), null)

# param(id, name, def) is the rule parameter from stackgate.yaml, or def.
param(id, name, def) := object.get(input, ["environment", "rules", id, name], def)

# tags(r) is the resource's tags as an object, whichever form the type uses
# (a list of {Key, Value} as most types, or a map as AWS::SSM::Parameter).
tags(r) := {t.Key: t.Value | some t in r.properties.Tags; is_string(t.Key)} if is_array(r.properties.Tags)

tags(r) := r.properties.Tags if is_object(r.properties.Tags)

tags(r) := {} if not r.properties.Tags

# reference(r, path) is the resource reference stored at path, if any.
reference(r, path) := r.references[path]

# changed(r) is true when the layer knows the resource changes in place.
updated(r) if r.change.action == "update"

# fail(r, path, msg) is a finding: the value at path violates the rule.
fail(r, path, msg) := {"resource": r.address, "path": path, "message": msg, "status": "fail"}

# undecided(r, path, msg) is a finding: the rule depends on a value that is
# not known statically; the deploy-time hook, which sees resolved values,
# will decide.
undecided(r, path, msg) := {"resource": r.address, "path": path, "message": msg, "status": "unknown"}
