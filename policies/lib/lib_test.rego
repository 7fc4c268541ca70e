package stackgate.lib_test

import data.stackgate.lib

test_covers if {
	lib.covers("", "A.B")
	lib.covers("A", "A.B")
	lib.covers("A", "A[0].B")
	lib.covers("A.B", "A.B")
	not lib.covers("A", "AB")
	not lib.covers("A.B", "A")
}

test_unknown_prefix if {
	r := {"unknown_paths": [{"path": "BucketEncryption", "reason": "x"}]}
	lib.unknown(r, "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm")
	not lib.unknown(r, "VersioningConfiguration.Status")
	lib.unknown_within(r, "")
}

test_tags_forms if {
	lib.tags({"properties": {"Tags": [{"Key": "a", "Value": "1"}]}}) == {"a": "1"}
	lib.tags({"properties": {"Tags": {"a": "1"}}}) == {"a": "1"}
	lib.tags({"properties": {}}) == {}
}

test_param_default if {
	lib.param("r", "x", 5) == 5 with input as {"environment": {"rules": {}}}
	lib.param("r", "x", 5) == 7 with input as {"environment": {"rules": {"r": {"x": 7}}}}
}

test_segments if {
	lib.segments("") == []
	lib.segments("Tags") == ["Tags"]
	lib.segments("Tags[3].Value") == ["Tags", 3, "Value"]
	lib.segments("A.B[0].C[12]") == ["A", "B", 0, "C", 12]
}

test_value if {
	r := {"properties": {"Tags": [{"Key": "team", "Value": "data"}], "Versioning": {"Status": "Enabled"}, "Flag": false}}
	lib.value(r, "Tags[0].Value") == "data"
	lib.value(r, "Versioning.Status") == "Enabled"
	lib.value(r, "Flag") == false
	lib.value(r, "Tags[1].Value") == null
	lib.value(r, "Missing.Path") == null
}

test_param_without_environment if {
	lib.param("r", "x", 5) == 5 with input as {"resources": []}
}

test_resources_skip_deleted if {
	rs := lib.resources("AWS::S3::Bucket") with input as {"resources": [
		{"type": "AWS::S3::Bucket", "address": "kept", "change": {"action": "update"}},
		{"type": "AWS::S3::Bucket", "address": "gone", "change": {"action": "delete"}},
		{"type": "AWS::S3::Bucket", "address": "static"},
	]}
	[r.address | some r in rs] == ["kept", "static"]
}

test_tags_of_each_form if {
	lib.tags({"type": "AWS::SSM::Parameter", "properties": {"Tags": {"a": "1"}}}) == {"a": "1"}
	lib.tags({"type": "AWS::EFS::FileSystem", "properties": {"FileSystemTags": [{"Key": "a", "Value": "1"}]}}) == {"a": "1"}
	lib.tags({"type": "AWS::EFS::FileSystem", "properties": {"Tags": [{"Key": "a", "Value": "1"}]}}) == {"a": "1"}
	lib.tags({"properties": {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}}) == {"a": "1"}
	lt := {"type": "AWS::EC2::LaunchTemplate", "properties": {"TagSpecifications": [
		{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "instance"}]},
		{"ResourceType": "launch-template", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]},
	]}}
	lib.tags(lt) == {"a": "1", "b": "2"}
	lib.tag_path(lt, "b") == "TagSpecifications[1].Tags[1].Value"
	lib.tags_missing_path(lt) == "TagSpecifications[1].Tags"
	lib.tag_info(lt) == {"property": "TagSpecifications", "form": "specifications", "resource_type": "launch-template"}
}

test_taggable if {
	lib.taggable({"type": "AWS::SQS::Queue", "properties": {}})
	lib.taggable({"type": "Custom::Thing", "properties": {"Tags": []}})
	not lib.taggable({"type": "AWS::S3::BucketPolicy", "properties": {}, "unknown_paths": []})
	not lib.taggable({"type": "Custom::Thing", "properties": {}, "unknown_paths": []})
}

# The engine gives a resource with unknown paths an index of them
# (unknown_index, see policies/input.go); unknown and unknown_within answer
# the same with it as by scanning unknown_paths.
unindexed := {"unknown_paths": [{"path": "A.B[2]", "reason": "x"}, {"path": "C", "reason": "y"}]}

indexed := object.union(unindexed, {"unknown_index": {
	"prefixes": ["A.B[2].", "A.B[2][", "C.", "C["],
	"within": {"": true, "A": true, "A.B": true, "A.B[2]": true, "C": true},
}})

whole := {"unknown_paths": [{"path": "", "reason": "x"}]}

whole_indexed := object.union(whole, {"unknown_index": {"prefixes": [""], "within": {"": true}}})

probe_paths := ["", "A", "A.B", "A.B[2]", "A.B[2].D", "A.B[2][0]", "A.B[20]", "A.BC", "C", "C.D", "C[1]", "CD", "D", "A.B[1]"]

test_unknown_index_agrees if {
	[p | some p in probe_paths; lib.unknown(indexed, p)] == [p | some p in probe_paths; lib.unknown(unindexed, p)]
	[p | some p in probe_paths; lib.unknown_within(indexed, p)] == [p | some p in probe_paths; lib.unknown_within(unindexed, p)]
	[p | some p in probe_paths; lib.unknown(indexed, p)] == ["A.B[2]", "A.B[2].D", "A.B[2][0]", "C", "C.D", "C[1]"]
	[p | some p in probe_paths; lib.unknown_within(indexed, p)] == ["", "A", "A.B", "A.B[2]", "A.B[2].D", "A.B[2][0]", "C", "C.D", "C[1]"]
	[p | some p in probe_paths; lib.unknown(whole_indexed, p)] == probe_paths
	[p | some p in probe_paths; lib.unknown(whole, p)] == probe_paths
	[p | some p in probe_paths; lib.unknown_within(whole_indexed, p)] == probe_paths
}
