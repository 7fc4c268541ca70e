package tfmap

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stackgate/stackgate/policies/model"
)

const tfFile = "main.tf"

// at is the range of a value on one line of main.tf.
func at(line, col, endCol int) model.Range {
	return model.Range{Filename: tfFile, Start: model.Pos{Line: line, Column: col}, End: model.Pos{Line: line, Column: endCol}}
}

// res builds a managed resource of main.tf whose labels are on line.
func res(addr, typ string, line int, attrs map[string]any) Resource {
	name := addr[strings.LastIndex(addr, ".")+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return Resource{Address: addr, Type: typ, Name: name, Mode: "managed", Attrs: attrs, File: tfFile,
		NameRange: at(line, 1, 30), Range: model.Range{Filename: tfFile, Start: model.Pos{Line: line, Column: 1}, End: model.Pos{Line: line + 10, Column: 2}},
		Ranges: map[string]model.Range{}}
}

func byAddress(t *testing.T, out []model.Resource, addr string) model.Resource {
	t.Helper()
	for _, r := range out {
		if r.Address == addr {
			return r
		}
	}
	t.Fatalf("no resource %s in %v", addr, addresses(out))
	return model.Resource{}
}

func addresses(out []model.Resource) []string {
	var a []string
	for _, r := range out {
		a = append(a, r.Address+" ("+r.Type+")")
	}
	return a
}

func lookup(t *testing.T, r model.Resource, path string) any {
	t.Helper()
	v, ok := model.Lookup(r.Properties, path)
	if !ok {
		t.Fatalf("%s: no property %s in %v", r.Address, path, r.Properties)
	}
	return v
}

// dataBucket is the aws provider form of a bucket split into satellites,
// as modules write it since provider v4.
func dataBucket() []Resource {
	b := res("aws_s3_bucket.data", "aws_s3_bucket", 1, map[string]any{
		"bucket": "acme-data", "tags": map[string]any{"team": "data", "data-classification": "internal"}})
	b.Ranges["bucket"] = at(2, 12, 23)
	b.Ranges["tags.team"] = at(4, 12, 18)
	b.Ranges["tags.data-classification"] = at(5, 27, 37)

	sse := res("aws_s3_bucket_server_side_encryption_configuration.data", "aws_s3_bucket_server_side_encryption_configuration", 10, map[string]any{
		"bucket": nil,
		"rule": []any{map[string]any{
			"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": nil}},
			"bucket_key_enabled":                      true,
		}},
	})
	sse.Refs = map[string]Ref{
		"bucket": {Address: "aws_s3_bucket.data", Type: "aws_s3_bucket", Attribute: "id"},
		"rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id": {Address: "aws_kms_key.data", Type: "aws_kms_key", Attribute: "arn"},
	}
	sse.Unknown = map[string]string{"rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id": "aws_kms_key.data.arn is known only after apply"}
	sse.Ranges["rule[0].apply_server_side_encryption_by_default[0].sse_algorithm"] = at(14, 27, 36)
	sse.Ranges["rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"] = at(15, 27, 47)

	pab := res("aws_s3_bucket_public_access_block.data", "aws_s3_bucket_public_access_block", 20, map[string]any{
		"bucket": "acme-data", "block_public_acls": true, "block_public_policy": false, "ignore_public_acls": true})
	pab.Ranges["block_public_policy"] = at(23, 29, 34)

	ver := res("aws_s3_bucket_versioning.data", "aws_s3_bucket_versioning", 30, map[string]any{
		"bucket": nil, "versioning_configuration": []any{map[string]any{"status": "Enabled"}}})
	ver.Refs = map[string]Ref{"bucket": {Address: "aws_s3_bucket.data", Type: "aws_s3_bucket", Attribute: "bucket"}}
	ver.Ranges["versioning_configuration[0].status"] = at(33, 14, 23)

	key := res("aws_kms_key.data", "aws_kms_key", 40, map[string]any{"enable_key_rotation": true, "description": "data"})
	return []Resource{key, b, sse, pab, ver}
}

func TestFoldS3Satellites(t *testing.T) {
	out, notes := Map(dataBucket(), model.LayerTerraform)
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
	if got := addresses(out); !cmp.Equal(got, []string{"aws_kms_key.data (AWS::KMS::Key)", "aws_s3_bucket.data (AWS::S3::Bucket)"}) {
		t.Fatalf("resources: %v", got)
	}
	b := byAddress(t, out, "aws_s3_bucket.data")
	want := map[string]any{
		"BucketName": "acme-data",
		"Tags": []any{
			map[string]any{"Key": "data-classification", "Value": "internal"},
			map[string]any{"Key": "team", "Value": "data"},
		},
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
			"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "${aws_kms_key.data.arn}"},
			"BucketKeyEnabled":              true,
		}}},
		"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": false, "IgnorePublicAcls": true},
		"VersioningConfiguration":        map[string]any{"Status": "Enabled"},
	}
	if d := cmp.Diff(want, b.Properties); d != "" {
		t.Errorf("properties (-want +got):\n%s", d)
	}
	keyPath := "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID"
	if d := cmp.Diff(map[string]model.Reference{keyPath: {Address: "aws_kms_key.data", Type: "AWS::KMS::Key", Attribute: "arn"}}, b.References); d != "" {
		t.Errorf("references (-want +got):\n%s", d)
	}
	if len(b.UnknownPaths) != 0 {
		t.Errorf("a reference is not unknown: %v", b.UnknownPaths)
	}
	ranges := map[string]model.Range{
		"BucketName": at(2, 12, 23),
		"BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm": at(14, 27, 36),
		keyPath:            at(15, 27, 47),
		"BucketEncryption": at(10, 1, 30),
		"PublicAccessBlockConfiguration.BlockPublicPolicy": at(23, 29, 34),
		"PublicAccessBlockConfiguration":                   at(20, 1, 30),
		"VersioningConfiguration.Status":                   at(33, 14, 23),
		"Tags[0].Value":                                    at(5, 27, 37),
	}
	for p, want := range ranges {
		if got := b.Origin.Paths[p]; got != want {
			t.Errorf("range of %s = %+v, want %+v", p, got, want)
		}
	}
	// A missing setting points at the satellite that should set it.
	if got := b.Origin.RangeFor("PublicAccessBlockConfiguration.RestrictPublicBuckets"); got != at(20, 1, 30) {
		t.Errorf("missing RestrictPublicBuckets points at %+v", got)
	}
	if b.Origin.NameRange != at(1, 1, 30) || b.Origin.Layer != model.LayerTerraform || b.Origin.File != tfFile {
		t.Errorf("origin = %+v", b.Origin)
	}
}

// A bucket without satellites has none of the settings: the rules read
// them as missing, as for the same bucket in CloudFormation.
func TestBareBucketHasNoSettings(t *testing.T) {
	out, _ := Map([]Resource{res("aws_s3_bucket.logs", "aws_s3_bucket", 1, map[string]any{
		"bucket": "acme-logs", "force_destroy": true, "bucket_prefix": nil,
		"server_side_encryption_configuration": nil, "versioning": nil,
	})}, model.LayerTerraform)
	b := byAddress(t, out, "aws_s3_bucket.logs")
	if d := cmp.Diff(map[string]any{"BucketName": "acme-logs"}, b.Properties); d != "" {
		t.Errorf("properties (-want +got):\n%s", d)
	}
}

// In a plan, blocks the provider computes are unknown until apply when the
// configuration leaves them out; that is not an unknown setting.
func TestComputedBlocksAreNotUnknown(t *testing.T) {
	b := res("aws_s3_bucket.logs", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-logs"})
	b.Unknown = map[string]string{
		"server_side_encryption_configuration": "known only after apply",
		"versioning":                           "known only after apply",
		"arn":                                  "known only after apply",
		"id":                                   "known only after apply",
	}
	out, _ := Map([]Resource{b}, model.LayerPlan)
	if u := out[0].UnknownPaths; len(u) != 0 {
		t.Errorf("unknown paths: %v", u)
	}
}

func TestSatelliteResolution(t *testing.T) {
	tests := []struct {
		name      string
		via       func(*Resource)
		folded    bool
		wantNotes []string
	}{
		{"reference to id", func(r *Resource) {
			r.Refs = map[string]Ref{"bucket": {Address: "aws_s3_bucket.b", Type: "aws_s3_bucket", Attribute: "id"}}
		}, true, nil},
		{"reference to arn", func(r *Resource) {
			r.Refs = map[string]Ref{"bucket": {Address: "aws_s3_bucket.b", Type: "aws_s3_bucket", Attribute: "arn"}}
		}, true, nil},
		{"literal bucket name", func(r *Resource) { r.Attrs["bucket"] = "acme-b" }, true, nil},
		{"reference through the bucket policy", func(r *Resource) {
			r.Refs = map[string]Ref{"bucket": {Address: "aws_s3_bucket_policy.p", Type: "aws_s3_bucket_policy", Attribute: "id"}}
		}, true, nil},
		{"literal of another bucket", func(r *Resource) { r.Attrs["bucket"] = "elsewhere" }, false,
			[]string{"main.tf:20:1: aws_s3_bucket_versioning.v: bucket names elsewhere, which is not a aws_s3_bucket or awscc_s3_bucket of this configuration; its settings are attached to no resource and not checked"}},
		{"reference outside the configuration", func(r *Resource) {
			r.Refs = map[string]Ref{"bucket": {Address: "module.store.aws_s3_bucket.this", Type: "aws_s3_bucket", Attribute: "id"}}
		}, false, []string{"main.tf:20:1: aws_s3_bucket_versioning.v: bucket refers to module.store.aws_s3_bucket.this, which is not a aws_s3_bucket or awscc_s3_bucket of this configuration; its settings are attached to no resource and not checked"}},
		{"unknown variable", func(r *Resource) { r.Unknown = map[string]string{"bucket": "var.bucket has no value"} }, false,
			[]string{"main.tf:20:1: aws_s3_bucket_versioning.v: bucket is not known statically (var.bucket has no value); its settings are attached to no resource and not checked"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := res("aws_s3_bucket.b", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-b"})
			v := res("aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning", 20, map[string]any{
				"bucket": nil, "versioning_configuration": []any{map[string]any{"status": "Suspended"}}})
			// The bucket's policy, which modules chain satellites through.
			pol := res("aws_s3_bucket_policy.p", "aws_s3_bucket_policy", 40, map[string]any{"bucket": nil, "policy": `{"Statement":[]}`})
			pol.Refs = map[string]Ref{"bucket": {Address: "aws_s3_bucket.b", Type: "aws_s3_bucket", Attribute: "id"}}
			tc.via(&v)
			out, notes := Map([]Resource{b, pol, v}, model.LayerTerraform)
			if len(out) != 2 {
				t.Fatalf("resources: %v", addresses(out))
			}
			_, folded := model.Lookup(byAddress(t, out, "aws_s3_bucket.b").Properties, "VersioningConfiguration.Status")
			if folded != tc.folded {
				t.Errorf("folded = %v, want %v (%v)", folded, tc.folded, out[0].Properties)
			}
			if d := cmp.Diff(tc.wantNotes, notes); d != "" {
				t.Errorf("notes (-want +got):\n%s", d)
			}
		})
	}
}

// A satellite whose bucket is not known statically makes what it would
// set unknown on the buckets of its module that do not set it otherwise:
// "no versioning" would be a violation that is not one.
func TestUnresolvedSatelliteMakesParentsUnknown(t *testing.T) {
	b := res("aws_s3_bucket.b", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-b"})
	other := res("aws_s3_bucket.other", "aws_s3_bucket", 5, map[string]any{"bucket": "acme-other"})
	ownVersioning := res("aws_s3_bucket_versioning.own", "aws_s3_bucket_versioning", 10, map[string]any{
		"bucket": nil, "versioning_configuration": []any{map[string]any{"status": "Enabled"}}})
	ownVersioning.Refs = map[string]Ref{"bucket": {Address: "aws_s3_bucket.other", Type: "aws_s3_bucket", Attribute: "id"}}
	v := res("aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning", 20, map[string]any{
		"bucket": nil, "versioning_configuration": []any{map[string]any{"status": "Enabled"}}})
	v.Unknown = map[string]string{"bucket": "var.bucket has no value"}
	elsewhere := res("aws_s3_bucket.far", "aws_s3_bucket", 30, map[string]any{"bucket": "acme-far"})
	elsewhere.Module = "module.other"
	out, _ := Map([]Resource{b, other, ownVersioning, v, elsewhere}, model.LayerTerraform)
	got := byAddress(t, out, "aws_s3_bucket.b")
	want := []model.Unknown{{Path: "VersioningConfiguration", Reason: "aws_s3_bucket_versioning.v may set it: its bucket is not known statically (var.bucket has no value)"}}
	if d := cmp.Diff(want, got.UnknownPaths); d != "" {
		t.Errorf("unknown (-want +got):\n%s", d)
	}
	if got.Origin.Paths["VersioningConfiguration"] != v.NameRange {
		t.Errorf("range %+v", got.Origin.Paths["VersioningConfiguration"])
	}
	if u := byAddress(t, out, "aws_s3_bucket.other").UnknownPaths; len(u) != 0 {
		t.Errorf("a bucket with its own versioning is not unknown: %v", u)
	}
	if u := byAddress(t, out, "aws_s3_bucket.far").UnknownPaths; len(u) != 0 {
		t.Errorf("a bucket of another module is not unknown: %v", u)
	}
}

func TestForEachSatellites(t *testing.T) {
	var rs []Resource
	for i, k := range []string{"raw", "curated"} {
		addr := `aws_s3_bucket.b["` + k + `"]`
		rs = append(rs, res(addr, "aws_s3_bucket", 1, map[string]any{"bucket": "acme-" + k}))
		status := []string{"Enabled", "Suspended"}[i]
		v := res(`aws_s3_bucket_versioning.v["`+k+`"]`, "aws_s3_bucket_versioning", 10, map[string]any{
			"bucket": nil, "versioning_configuration": []any{map[string]any{"status": status}}})
		v.Refs = map[string]Ref{"bucket": {Address: addr, Type: "aws_s3_bucket", Attribute: "id"}}
		rs = append(rs, v)
	}
	out, notes := Map(rs, model.LayerTerraform)
	if len(notes) != 0 || len(out) != 2 {
		t.Fatalf("out %v notes %v", addresses(out), notes)
	}
	if got := lookup(t, byAddress(t, out, `aws_s3_bucket.b["raw"]`), "VersioningConfiguration.Status"); got != "Enabled" {
		t.Errorf("raw: %v", got)
	}
	if got := lookup(t, byAddress(t, out, `aws_s3_bucket.b["curated"]`), "VersioningConfiguration.Status"); got != "Suspended" {
		t.Errorf("curated: %v", got)
	}
}

func TestUnknownTranslation(t *testing.T) {
	sse := res("aws_s3_bucket_server_side_encryption_configuration.x", "aws_s3_bucket_server_side_encryption_configuration", 10, map[string]any{
		"bucket": "acme-x",
		"rule":   []any{map[string]any{"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": nil}}}},
	})
	sse.Unknown = map[string]string{"rule[0].apply_server_side_encryption_by_default[0].sse_algorithm": "var.algorithm has no value"}
	sse.Ranges["rule[0].apply_server_side_encryption_by_default[0].sse_algorithm"] = at(13, 27, 40)
	out, _ := Map([]Resource{res("aws_s3_bucket.x", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-x"}), sse}, model.LayerTerraform)
	p := "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm"
	if d := cmp.Diff([]model.Unknown{{Path: p, Reason: "var.algorithm has no value"}}, out[0].UnknownPaths); d != "" {
		t.Errorf("unknown (-want +got):\n%s", d)
	}
	if v, ok := model.Lookup(out[0].Properties, p); !ok || v != nil {
		t.Errorf("unknown value = %v, %v; want nil present", v, ok)
	}
	if out[0].Origin.Paths[p] != at(13, 27, 40) {
		t.Errorf("range %+v", out[0].Origin.Paths[p])
	}
}

// tags_all, known in a plan, carries the provider's default_tags; a
// default tag points at the tags argument.
func TestDefaultTags(t *testing.T) {
	b := res("aws_kms_key.k", "aws_kms_key", 1, map[string]any{"enable_key_rotation": true,
		"tags_all": map[string]any{"owner": "platform", "env": "prod"}})
	b.Ranges["tags"] = at(3, 3, 20)
	out, _ := Map([]Resource{b}, model.LayerPlan)
	want := []any{map[string]any{"Key": "env", "Value": "prod"}, map[string]any{"Key": "owner", "Value": "platform"}}
	if d := cmp.Diff(want, out[0].Properties["Tags"]); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
	if out[0].Origin.Paths["Tags[0].Value"] != at(3, 3, 20) {
		t.Errorf("range %+v", out[0].Origin.Paths["Tags[0].Value"])
	}
}

// The HCL evaluator gives the provider's default_tags: they are merged
// under the resource's own tags for types that take tags, and point at
// their entry in the provider block; a type that takes no tags gets none.
func TestProviderDefaultTags(t *testing.T) {
	defaults := &DefaultTags{
		Tags:    map[string]any{"owner": "platform", "env": "dev", "cost-center": nil},
		Unknown: map[string]string{"cost-center": "var.cost_center has no value"},
		Ranges: map[string]model.Range{"": at(4, 12, 60), "owner": at(4, 14, 32), "env": at(4, 34, 45),
			"cost-center": at(4, 47, 58)},
	}
	key := res("aws_kms_key.k", "aws_kms_key", 10, map[string]any{"tags": map[string]any{"env": "prod"}})
	key.Ranges["tags"] = at(12, 3, 25)
	key.Ranges["tags.env"] = at(12, 12, 24)
	topic := res("aws_sns_topic.t", "aws_sns_topic", 20, map[string]any{"name": "t"})
	assoc := res("aws_route_table_association.a", "aws_route_table_association", 30, map[string]any{"subnet_id": "subnet-1"})
	other := res("aws_example_thing.x", "aws_example_thing", 40, map[string]any{"name": "x"})
	for _, r := range []*Resource{&key, &topic, &assoc, &other} {
		r.DefaultTags = defaults
	}
	out, _ := Map([]Resource{key, topic, assoc, other}, model.LayerTerraform)

	k := byAddress(t, out, "aws_kms_key.k")
	want := []any{
		map[string]any{"Key": "cost-center", "Value": nil},
		map[string]any{"Key": "env", "Value": "prod"}, // the resource's own tag wins
		map[string]any{"Key": "owner", "Value": "platform"},
	}
	if d := cmp.Diff(want, k.Properties["Tags"]); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
	for path, rng := range map[string]model.Range{
		"Tags":          at(12, 3, 25),
		"Tags[0].Value": at(4, 47, 58),
		"Tags[1].Value": at(12, 12, 24),
		"Tags[2].Value": at(4, 14, 32),
	} {
		if got := k.Origin.Paths[path]; got != rng {
			t.Errorf("range of %s = %+v, want %+v", path, got, rng)
		}
	}
	if d := cmp.Diff([]model.Unknown{{Path: "Tags[0].Value", Reason: "var.cost_center has no value"}}, k.UnknownPaths); d != "" {
		t.Errorf("unknown (-want +got):\n%s", d)
	}
	if tags, _ := byAddress(t, out, "aws_sns_topic.t").Properties["Tags"].([]any); len(tags) != 3 {
		t.Errorf("a named type that takes tags gets the default tags; got %v", tags)
	}
	for _, addr := range []string{"aws_route_table_association.a", "aws_example_thing.x"} {
		if tags, ok := byAddress(t, out, addr).Properties["Tags"]; ok {
			t.Errorf("%s takes no tags (or may not), got %v", addr, tags)
		}
	}
}

// A plan's tags_all already holds the default tags: the evaluator's are
// not merged again.
func TestPlanTagsAllWinsOverDefaultTags(t *testing.T) {
	b := res("aws_kms_key.k", "aws_kms_key", 1, map[string]any{"tags_all": map[string]any{"owner": "platform"}})
	b.DefaultTags = &DefaultTags{Tags: map[string]any{"stale": "x"}}
	out, _ := Map([]Resource{b}, model.LayerPlan)
	want := []any{map[string]any{"Key": "owner", "Value": "platform"}}
	if d := cmp.Diff(want, out[0].Properties["Tags"]); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
}

// An unknown whole block (a dynamic "rule" whose for_each is unknown) stays
// unknown at the CloudFormation path that holds it, so rules report
// "unknown", not "not configured".
func TestUnknownBlockStaysUnknown(t *testing.T) {
	sse := res("aws_s3_bucket_server_side_encryption_configuration.x", "aws_s3_bucket_server_side_encryption_configuration", 10, map[string]any{
		"bucket": "acme-x",
		"rule":   nil,
	})
	sse.Unknown = map[string]string{"rule": `for_each of dynamic "rule" is unknown`}
	out, _ := Map([]Resource{res("aws_s3_bucket.x", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-x"}), sse}, model.LayerTerraform)
	want := []model.Unknown{{Path: "BucketEncryption.ServerSideEncryptionConfiguration", Reason: `for_each of dynamic "rule" is unknown`}}
	if d := cmp.Diff(want, out[0].UnknownPaths); d != "" {
		t.Errorf("unknown (-want +got):\n%s", d)
	}
}
