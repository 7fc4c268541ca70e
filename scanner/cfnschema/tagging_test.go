package cfnschema

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// generated is the committed table the rules read.
const generated = "../../policies/lib/tagging.json"

func TestReadDir(t *testing.T) {
	got, notes, err := ReadDir("testdata/schemas")
	if err != nil {
		t.Fatal(err)
	}
	want := Table{
		"Example::Storage::Bucket":         {Property: "Tags", Form: FormList},
		"Example::Config::Parameter":       {Property: "Tags", Form: FormMap},
		"Example::Compute::LaunchTemplate": {Property: "TagSpecifications", Form: FormSpecifications, ResourceType: "launch-template"},
		"Example::Backup::Vault":           {Property: "VaultTags", Form: FormMap},
		"Example::Legacy::Cluster":         {Property: "Tags", Form: FormMap},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	wantNotes := []string{"Example::Monitor::Alarm: declared taggable but has no tag property (Tags, TagSpecifications)"}
	if diff := cmp.Diff(wantNotes, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestReadForms(t *testing.T) {
	tests := []struct {
		name, schema string
		want         Tagging
		ok           bool
		err          string
	}{
		{"wrapped list", `{"typeName": "A::B::C", "properties": {"Tags": {"$ref": "#/definitions/Tags"}},
			"definitions": {"Tags": {"type": "object", "properties": {"Items": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}}},
			"Tag": {"type": "object", "properties": {"Key": {}, "Value": {}}}},
			"tagging": {"taggable": true, "tagProperty": "/properties/Tags"}}`,
			Tagging{Property: "Tags.Items", Form: FormList}, true, ""},
		{"oneOf tag", `{"typeName": "A::B::C", "properties": {"Tags": {"type": "array", "items": {"oneOf": [
			{"properties": {"Key": {}, "Value": {}}}, {"properties": {"TagKey": {}, "TagValue": {}}}]}}}}`,
			Tagging{Property: "Tags", Form: FormList}, true, ""},
		{"map without type", `{"typeName": "A::B::C", "properties": {"Tags": {"patternProperties": {"^.+$": {"type": "string"}}}}}`,
			Tagging{Property: "Tags", Form: FormMap}, true, ""},
		{"specifications without enum", `{"typeName": "A::EC2::ClientVpnEndpoint", "properties": {"TagSpecifications": {"type": "array", "items": {
			"properties": {"ResourceType": {"type": "string"}, "Tags": {"type": "array", "items": {"properties": {"Key": {}, "Value": {}}}}}}}}}`,
			Tagging{Property: "TagSpecifications", Form: FormSpecifications, ResourceType: "client-vpn-endpoint"}, true, ""},
		{"undeclared strange tags", `{"typeName": "A::B::C", "properties": {"Tags": {"type": "string"}}}`, Tagging{}, false, ""},
		{"declared strange tags", `{"typeName": "A::B::C", "properties": {"Tags": {"type": "string"}}, "tagging": {"taggable": true}}`, Tagging{}, false,
			"neither a list of Key/Value"},
		{"bad pointer", `{"typeName": "A::B::C", "tagging": {"tagProperty": "/Tags"}}`, Tagging{}, false, "is not /properties/<name>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, got, ok, _, err := Read([]byte(tc.schema))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.ok || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestSelfResourceType(t *testing.T) {
	enum := []string{"fleet", "instance", "launch-template", "capacity-reservation", "capacity-reservation-fleet", "vpc-endpoint"}
	for typ, want := range map[string]string{
		"AWS::EC2::LaunchTemplate":           "launch-template",
		"AWS::EC2::EC2Fleet":                 "fleet",
		"AWS::EC2::CapacityReservation":      "capacity-reservation",
		"AWS::EC2::CapacityReservationFleet": "capacity-reservation-fleet",
		"AWS::EC2::VPCEndpoint":              "vpc-endpoint",
		"AWS::EC2::Volume":                   "",
	} {
		got, ok := selfResourceType(typ, enum)
		if got != want || ok != (want != "") {
			t.Errorf("%s: got %q, %v; want %q", typ, got, ok, want)
		}
	}
}

// readGenerated decodes the committed table, strictly: the generated
// mark and types, nothing else.
func readGenerated(t *testing.T) ([]byte, Table) {
	t.Helper()
	src, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Generated string `json:"generated"`
		Types     Table  `json:"types"`
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("%s: %v", generated, err)
	}
	if doc.Generated != Generated {
		t.Errorf("%s: generated = %q, want %q", generated, doc.Generated, Generated)
	}
	return src, doc.Types
}

// TestGeneratedTable checks the committed table is what the generator
// writes (same header, same format, byte for byte) and knows the types the
// rules depend on.
func TestGeneratedTable(t *testing.T) {
	src, table := readGenerated(t)
	if len(src) > 256<<10 {
		t.Errorf("%s is %d bytes; keep it small", generated, len(src))
	}
	if !bytes.Equal(src, table.JSON()) {
		t.Errorf("%s differs from what the generator writes for the same table: regenerate it (go run ./scanner/cfnschema/gen), never edit it", generated)
	}
	if len(table) < 500 {
		t.Errorf("only %d types: generated from too few schemas?", len(table))
	}
	for typ, tg := range table {
		if strings.Count(typ, "::") != 2 || tg.Property == "" {
			t.Errorf("bad entry %s: %+v", typ, tg)
		}
		switch tg.Form {
		case FormList, FormMap:
			if tg.ResourceType != "" {
				t.Errorf("%s: resource_type without form specifications", typ)
			}
		case FormSpecifications:
			if tg.ResourceType == "" {
				t.Errorf("%s: form specifications without resource_type", typ)
			}
		default:
			t.Errorf("%s: unknown form %q", typ, tg.Form)
		}
	}
	for typ, want := range map[string]Tagging{
		"AWS::EC2::LaunchTemplate": {Property: "TagSpecifications", Form: FormSpecifications, ResourceType: "launch-template"},
		"AWS::SSM::Parameter":      {Property: "Tags", Form: FormMap},
		"AWS::S3::Bucket":          {Property: "Tags", Form: FormList},
		"AWS::EFS::FileSystem":     {Property: "FileSystemTags", Form: FormList},
		"AWS::KMS::Key":            {Property: "Tags", Form: FormList},
		"AWS::SQS::Queue":          {Property: "Tags", Form: FormList},
		"AWS::IAM::Role":           {Property: "Tags", Form: FormList},
	} {
		if got := table[typ]; got != want {
			t.Errorf("%s: %+v, want %+v", typ, got, want)
		}
	}
	for _, typ := range []string{"AWS::S3::BucketPolicy", "AWS::EC2::SubnetRouteTableAssociation", "AWS::IAM::Policy"} {
		if tg, ok := table[typ]; ok {
			t.Errorf("%s takes no tags, yet the table has %+v", typ, tg)
		}
	}
}
