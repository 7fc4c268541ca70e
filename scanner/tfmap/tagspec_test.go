package tfmap

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A launch template keeps its own tags where CloudFormation does: in the
// TagSpecifications entry of resource type launch-template.
func TestLaunchTemplateTagsAreATagSpecification(t *testing.T) {
	lt := res("aws_launch_template.web", "aws_launch_template", 1, map[string]any{
		"name": "web", "tags": map[string]any{"owner": "web-team", "data-classification": "internal"}})
	lt.Ranges["tags"] = at(3, 3, 40)
	lt.Ranges["tags.owner"] = at(4, 13, 23)
	bare := res("aws_launch_template.bare", "aws_launch_template", 20, map[string]any{"name": "bare"})
	out, _ := Map([]Resource{lt, bare}, "ci")

	got := byAddress(t, out, "aws_launch_template.web")
	want := []any{map[string]any{
		"ResourceType": "launch-template",
		"Tags": []any{
			map[string]any{"Key": "data-classification", "Value": "internal"},
			map[string]any{"Key": "owner", "Value": "web-team"},
		},
	}}
	if diff := cmp.Diff(want, lookup(t, got, "TagSpecifications")); diff != "" {
		t.Errorf("TagSpecifications (-want +got):\n%s", diff)
	}
	if _, ok := got.Properties["Tags"]; ok {
		t.Errorf("tags also mapped to Tags: %v", got.Properties)
	}
	if rng := got.Origin.RangeFor("TagSpecifications[0].Tags[1].Value"); rng != at(4, 13, 23) {
		t.Errorf("owner value range = %v", rng)
	}
	if _, ok := byAddress(t, out, "aws_launch_template.bare").Properties["TagSpecifications"]; ok {
		t.Error("a launch template without tags has TagSpecifications")
	}
}
