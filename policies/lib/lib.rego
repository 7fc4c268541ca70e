# METADATA
# title: stackgate rule library
# description: |
#   Helpers shared by every stackgate rule (built-in and user rules alike):
#   resource selection, unknown-value handling, tags, parameters and the
#   finding constructors. A rule must check unknown() before it fails a value,
#   so that an unknown value yields status "unknown", never "fail".
package stackgate.lib

import data.stackgate.lib.tagging

# resources(t) is every resource of CloudFormation type t that will exist
# after the change: a resource being deleted is not judged on its
# configuration (rules about deletions read input.resources). The engine
# indexes the resources by type (input.by_type), so a rule only visits the
# resources it is about; hand-written test inputs without the index work too.
# (One rule with an else, not two rules: OPA evaluates every rule of a
# function to check that they agree, and rules call this one often.)
resources(t) := object.get(input.by_type, t, []) if {
	input.by_type
} else := [r |
	some r in input.resources
	r.type == t
	not deleted(r)
]

deleted(r) if r.change.action == "delete"

# unknown(r, path) is true when the value at path, or a value containing it,
# is not known statically (an unresolved parameter or variable, a value known
# only after apply).
#
# These two are the hottest helpers: rules ask them for every value they
# read. The engine gives a resource with unknown paths an index of them
# (r.unknown_index, see policies/input.go): "prefixes", the prefixes a path
# starts with when an unknown path covers it (u + "." and u + "[" for each
# unknown path u, "" for an unknown path ""), and "within", the set of the
# paths that cover an unknown path (each one and its ancestors, up to "").
# With it a question is one builtin call or one lookup instead of a scan of
# r.unknown_paths that builds strings for each entry. Inputs without the
# index (hand-written test inputs) take the scan: _unknown(null, ...),
# whose constant argument lets OPA's rule index skip that body when there
# is an index. A resource without unknown paths (most) is answered by the
# first expression (a unification: it allocates less in OPA than a bare
# reference tested for truth).
unknown(r, path) if {
	_ = r.unknown_paths[0]
	_unknown(object.get(r, "unknown_index", null), r, path)
}

# path + "." starts with u + "." when path is u or below it, and with
# u + "[" when path is below u; every path starts with "".
_unknown(index, _, path) if strings.any_prefix_match(concat("", [path, "."]), index.prefixes)

_unknown(null, r, path) if {
	some u in r.unknown_paths
	covers(u.path, path)
}

# unknown_within(r, path) is true when the value at path is not fully known:
# some value at or below path is unknown, or a value containing it is (up
# to the whole Properties, path "", when a macro or Fn::If supplies them).
# A rule that fails a missing value checks this first, so that an unknown
# ancestor yields "unknown", never "fail".
unknown_within(r, path) if {
	_ = r.unknown_paths[0]
	_unknown_within(object.get(r, "unknown_index", null), r, path)
}

_unknown_within(index, _, path) if index.within[path]

_unknown_within(index, r, path) if _unknown(index, r, path)

_unknown_within(null, r, path) if {
	some u in r.unknown_paths
	covers(path, u.path)
}

covers("", _)

covers(p, p)

covers(prefix, p) if startswith(p, concat("", [prefix, "."]))

covers(prefix, p) if startswith(p, concat("", [prefix, "["]))

# segments(path) splits a property path into its keys (strings) and list
# indexes (numbers): "Tags[3].Value" is ["Tags", 3, "Value"], "" is [].
# Paths without list indexes (the common case) split without a regex. (One
# rule with else branches: OPA evaluates every rule of a function.)
segments(path) := [] if {
	path == ""
} else := split(path, ".") if {
	not contains(path, "[")
} else := [seg |
	some m in regex.find_all_string_submatch_n(`\[([0-9]+)\]|([^.\[\]]+)`, path, -1)
	seg := _segment(m)
]

_segment(m) := to_number(m[1]) if {
	m[1] != ""
} else := m[2]

# value(r, path) is the value at path in the resource's properties, or null
# when the path is not set (or is unknown: check unknown() first).
value(r, path) := object.get(r.properties, segments(path), null)

# param(id, name, def) is the rule parameter from stackgate.yaml, or def.
param(id, name, def) := object.get(input, ["environment", "rules", id, name], def)

# Tags. Where a resource type keeps its tags comes from the generated table
# data.stackgate.lib.tagging.types (policies/lib/tagging.json, data the
# engine loads, from the CloudFormation resource provider schemas): a list of {Key, Value} (Tags of most types, or another
# property such as FileSystemTags), a map (AWS::SSM::Parameter Tags), or tag
# specifications, [{ResourceType, Tags: [{Key, Value}]}], where the entry of
# the resource's own resource type tags the resource itself
# (AWS::EC2::LaunchTemplate, launch-template). A type the table does not
# know keeps them in Tags. Whether a list or a map is read from the value,
# so a loader may give either form.

# taggable(r) is true when the resource takes tags: its type does, or it has
# a Tags property (a type the table does not know).
taggable(r) if _schema_tagging(r) != null

taggable(r) if "Tags" in object.keys(r.properties)

taggable(r) if unknown(r, "Tags")

# tag_info(r) is where the resource keeps its tags: {"property", "form"
# (list, map or specifications), "resource_type" (for specifications)}.
# A resource of a type whose tags the table puts elsewhere, but that has
# only a Tags property, keeps them in Tags (a loader that maps them there).
tag_info(r) := t if {
	t := _schema_tagging(r)
	t != null
	not _tags_elsewhere(r, t)
}

tag_info(r) := _default_tagging if _schema_tagging(r) == null

tag_info(r) := _default_tagging if {
	t := _schema_tagging(r)
	t != null
	_tags_elsewhere(r, t)
}

_schema_tagging(r) := object.get(tagging.types, object.get(r, "type", ""), null)

_default_tagging := {"property": "Tags", "form": "list"}

_tags_elsewhere(r, t) if {
	t.property != "Tags"
	not _set(r, t.property)
	_set(r, "Tags")
}

_set(r, path) if value(r, path) != null

_set(r, path) if unknown(r, path)

# tag_lists(r) is the paths of the lists (or maps) of the resource's own
# tags: [Tags], or for tag specifications the Tags of each entry of the
# resource's own resource type ([TagSpecifications[0].Tags]).
tag_lists(r) := [t.property] if {
	t := tag_info(r)
	t.form != "specifications"
}

tag_lists(r) := [sprintf("%s[%d].Tags", [t.property, i]) |
	some i, spec in value(r, t.property)
	spec.ResourceType == t.resource_type
] if {
	t := tag_info(r)
	t.form == "specifications"
}

# tags(r) is the resource's own tags as an object, whichever form its type
# uses (the first value of a key given twice).
tags(r) := {k: v |
	some path in tag_lists(r)
	some k in _tag_keys(value(r, path))
	v := [x | some p in tag_lists(r); some x in _tag_values(value(r, p), k)][0]
}

_tag_keys(l) := {t.Key | some t in l; is_string(t.Key)} if is_array(l)

_tag_keys(m) := object.keys(m) if is_object(m)

_tag_values(l, k) := [t.Value | some t in l; t.Key == k] if is_array(l)

_tag_values(m, k) := [m[k]] if is_object(m)

# tag_path(r, name) is the path of the value of tag name: Tags[i].Value for
# a list, Tags.<name> for a map, TagSpecifications[i].Tags[j].Value for tag
# specifications. Undefined when the resource has no such tag.
tag_path(r, name) := paths[0] if {
	paths := [p | some list in tag_lists(r); some p in _tag_value_paths(value(r, list), list, name)]
	count(paths) > 0
}

_tag_value_paths(l, path, name) := [sprintf("%s[%d].Value", [path, i]) | some i, t in l; t.Key == name] if is_array(l)

_tag_value_paths(m, path, name) := [concat(".", [path, name])] if {
	is_object(m)
	name in object.keys(m)
}

# tags_unknown_path(r) is the path of the resource's tags when they are not
# known statically as a whole: the tag property, or the Tags of its own tag
# specification.
tags_unknown_path(r) := paths[0] if {
	t := tag_info(r)
	paths := [p | some p in array.concat([t.property], tag_lists(r)); unknown(r, p)]
	count(paths) > 0
}

# tag_key_unknown_path(r) is the path of the first tag entry whose key is
# not known statically (Tags[1]): it could be any tag.
tag_key_unknown_path(r) := paths[0] if {
	paths := [p |
		some list in tag_lists(r)
		unknown_within(r, list)
		some i, _ in value(r, list)
		p := sprintf("%s[%d]", [list, i])
		unknown(r, concat(".", [p, "Key"]))
	]
	count(paths) > 0
}

# tag_specification_unknown_path(r) is the path of the first tag
# specification whose resource type is not known statically
# (TagSpecifications[1]): it could be the resource's own.
tag_specification_unknown_path(r) := paths[0] if {
	t := tag_info(r)
	t.form == "specifications"
	unknown_within(r, t.property)
	paths := [p |
		some i, _ in value(r, t.property)
		p := sprintf("%s[%d]", [t.property, i])
		unknown(r, concat(".", [p, "ResourceType"]))
	]
	count(paths) > 0
}

# tags_missing_path(r) is where a missing tag is reported: the resource's
# own tag list (Tags, TagSpecifications[0].Tags), else the tag
# specifications that have no entry for the resource (TagSpecifications),
# else the resource itself ("").
tags_missing_path(r) := _first_or_empty([p |
	some p in array.concat(tag_lists(r), [tag_info(r).property])
	value(r, p) != null
])

_first_or_empty(ps) := ps[0] if count(ps) > 0

_first_or_empty(ps) := "" if count(ps) == 0

# reference(r, path) is the resource reference stored at path, if any.
reference(r, path) := r.references[path]

# targets(ref) is the resources of the document at a reference's address,
# not being deleted: one lookup in the engine's index (input.referenced;
# when the engine judges a large document in chunks, a referenced resource
# may be there and not in input.resources), or a scan for hand-written test
# inputs without it.
targets(ref) := object.get(input.referenced, ref.address, []) if {
	input.referenced
} else := [x |
	some x in input.resources
	x.address == ref.address
	not deleted(x)
]

# changed(r) is true when the layer knows the resource changes in place.
updated(r) if r.change.action == "update"

# fail(r, path, msg) is a finding: the value at path violates the rule.
fail(r, path, msg) := {"resource": r.address, "path": path, "message": msg, "status": "fail"}

# undecided(r, path, msg) is a finding: the rule depends on a value that is
# not known statically; the deploy-time hook, which sees resolved values,
# will decide.
undecided(r, path, msg) := {"resource": r.address, "path": path, "message": msg, "status": "unknown"}
