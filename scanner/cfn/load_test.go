package cfn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackgate/stackgate/policies/model"
)

func loadFile(t *testing.T, name string, opts Options) *Template {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Load(name, src, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return tpl
}

func find(t *testing.T, tpl *Template, addr string) *model.Resource {
	t.Helper()
	for i := range tpl.Resources {
		if tpl.Resources[i].Address == addr {
			return &tpl.Resources[i]
		}
	}
	return nil
}

func unknownReason(r *model.Resource, path string) (string, bool) {
	for _, u := range r.UnknownPaths {
		if u.Path == path {
			return u.Reason, true
		}
	}
	return "", false
}

// TestLoadTemplates asserts the properties, unknowns, references and lines
// rules depend on, for realistic templates and parameter sets.
func TestLoadTemplates(t *testing.T) {
	type check struct {
		resource string
		path     string
		want     any    // expected value at path (when unknown is empty)
		unknown  string // expected substring of the unknown reason
		ref      *model.Reference
		line     int // expected start line of the path's range (0: not checked)
	}
	tests := []struct {
		name    string
		file    string
		opts    Options
		checks  []check
		absent  []string // resources that must be left out
		present []string
		notes   []string // substrings expected in some note
	}{
		{
			name: "data lake defaults (dev)",
			file: "data-lake.yaml",
			opts: Options{Region: "eu-west-1", AccountID: "111122223333", StackName: "lake"},
			checks: []check{
				{resource: "DataKey", path: "EnableKeyRotation", want: true, line: 50},
				{resource: "DataKey", path: "PendingWindowInDays", want: int64(30), line: 51},
				{resource: "DataKey", path: "KeyPolicy.Statement[0].Principal.AWS", want: "arn:aws:iam::111122223333:root", line: 58},
				{resource: "DataKey", path: "KeyPolicy.Statement[0].Condition.StringEquals.kms:CallerAccount", want: "111122223333"},
				{resource: "RawBucket", path: "BucketName", want: "lake-raw-dev", line: 69},
				{resource: "RawBucket", path: "BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled", want: true, line: 72},
				{resource: "RawBucket", path: "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm", want: "aws:kms", line: 74},
				{resource: "RawBucket", path: "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID", want: "${DataKey.Arn}",
					ref: &model.Reference{Address: "DataKey", Type: "AWS::KMS::Key", Attribute: "Arn"}, line: 75},
				{resource: "RawBucket", path: "PublicAccessBlockConfiguration.BlockPublicPolicy", want: true},
				{resource: "RawBucket", path: "PublicAccessBlockConfiguration.IgnorePublicAcls", want: true},
				{resource: "RawBucket", path: "VersioningConfiguration.Status", want: "Suspended", line: 82},
				{resource: "RawBucket", path: "LifecycleConfiguration.Rules[0].ExpirationInDays", want: int64(90), line: 87},
				{resource: "RawBucket", path: "LifecycleConfiguration.Rules[1].AbortIncompleteMultipartUpload.DaysAfterInitiation", want: int64(7)},
				{resource: "RawBucket", path: "Tags[0].Value", want: "internal", line: 99},
				{resource: "RawBucket", path: "Tags[1].Value", unknown: "parameter KmsKeyArn has no value and no Default", line: 101},
				{resource: "RawBucket", path: "Tags[2].Value", unknown: "parameter ReplicationToken is NoEcho"},
				{resource: "RawBucketPolicy", path: "Bucket", want: "${RawBucket}", ref: &model.Reference{Address: "RawBucket", Type: "AWS::S3::Bucket"}},
				{resource: "RawBucketPolicy", path: "PolicyDocument.Statement[0].Resource[1]", want: "${RawBucket.Arn}/*"},
				{resource: "RawBucketPolicy", path: "PolicyDocument.Statement[1].Principal.AWS", unknown: "Fn::ImportValue analytics-RoleArn is resolved at deploy time", line: 132},
				{resource: "RawBucketPolicy", path: "PolicyDocument.Statement[1].Resource", want: "${RawBucket.Arn}/curated/*"},
				{resource: "CreatedKeyAlias", path: "AliasName", want: "alias/dev/data-lake"},
			},
			absent:  []string{"AccessLogBucket"},
			present: []string{"ExternalKeyAlias", "CreatedKeyAlias"},
			notes:   []string{"resource ExternalKeyAlias is checked as if it is deployed: condition HasExternalKey cannot be decided: parameter KmsKeyArn has no value and no Default"},
		},
		{
			name: "data lake in prod with dual-layer encryption and an external key",
			file: "data-lake.yaml",
			opts: Options{Params: map[string]string{"Environment": "prod", "UseDsse": "true", "KmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/abc"}},
			checks: []check{
				{resource: "RawBucket", path: "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm", want: "aws:kms:dsse"},
				{resource: "RawBucket", path: "PublicAccessBlockConfiguration.RestrictPublicBuckets", want: true, line: 80},
				{resource: "RawBucket", path: "VersioningConfiguration.Status", want: "Enabled"},
				{resource: "RawBucket", path: "LoggingConfiguration.DestinationBucketName", want: "${AccessLogBucket}", line: 94,
					ref: &model.Reference{Address: "AccessLogBucket", Type: "AWS::S3::Bucket"}},
				{resource: "RawBucket", path: "Tags[0].Value", want: "confidential"},
				{resource: "RawBucket", path: "Tags[1].Value", want: "arn:aws:kms:eu-west-1:111122223333:key/abc"},
				{resource: "RawBucket", path: "BucketName", unknown: "AWS::StackName is known only at deploy time"},
				{resource: "DataKey", path: "KeyPolicy.Statement[0].Principal.AWS", unknown: "AWS::Partition is known only at deploy time"},
				{resource: "ExternalKeyAlias", path: "TargetKeyId", want: "arn:aws:kms:eu-west-1:111122223333:key/abc"},
			},
			absent:  []string{"CreatedKeyAlias"},
			present: []string{"AccessLogBucket"},
		},
		{
			name: "SAM application",
			file: "sam-app.yaml",
			opts: Options{Region: "us-east-1", Params: map[string]string{"Stage": "prod"}},
			checks: []check{
				{resource: "OrdersFunction", path: "MemorySize", want: int64(512), line: 24},
				{resource: "OrdersFunction", path: "Timeout", want: int64(30)},
				{resource: "OrdersFunction", path: "Environment.Variables.STAGE", want: "prod"},
				{resource: "OrdersFunction", path: "Environment.Variables.TABLE_NAME", want: "${OrdersTable}",
					ref: &model.Reference{Address: "OrdersTable", Type: "AWS::Serverless::SimpleTable"}},
				{resource: "OrdersFunction", path: "Tags.team", want: "orders"},
				{resource: "OrdersTable", path: "SSESpecification.SSEEnabled", want: true},
				{resource: "ArtifactsBucket", path: "BucketName", want: "orders-prod-us-east-1", line: 54},
			},
			notes: []string{"Transform AWS::Serverless-2016-10-31"},
		},
		{
			name: "JSON template",
			file: "network.json",
			opts: Options{Region: "us-gov-west-1", Params: map[string]string{"DbPort": "6543"}},
			checks: []check{
				{resource: "AppLaunchTemplate", path: "LaunchTemplateData.MetadataOptions.HttpTokens", want: "required", line: 19},
				{resource: "AppLaunchTemplate", path: "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit", want: int64(2), line: 20},
				{resource: "AppLaunchTemplate", path: "LaunchTemplateData.BlockDeviceMappings[0].Ebs.Encrypted", want: true},
				{resource: "AppLaunchTemplate", path: "LaunchTemplateData.BlockDeviceMappings[0].Ebs.VolumeSize", want: int64(20)},
				{resource: "AppLaunchTemplate", path: "LaunchTemplateData.ImageId", unknown: "parameter AmiId is read from SSM Parameter Store at deploy time", line: 16},
				{resource: "AppLaunchTemplate", path: "LaunchTemplateData.UserData", want: "IyEvYmluL2Jhc2gKZWNobyB1cy1nb3Ytd2VzdC0xCg=="},
				{resource: "AppInstance", path: "Monitoring", want: false},
				{resource: "AppInstance", path: "SubnetId", unknown: "Fn::ImportValue vpc-0abc1234-PrivateSubnet1 is resolved at deploy time", line: 37},
				{resource: "AppInstance", path: "AvailabilityZone", unknown: "Fn::GetAZs"},
				{resource: "AppInstance", path: "LaunchTemplate.Version", want: "${AppLaunchTemplate.LatestVersionNumber}",
					ref: &model.Reference{Address: "AppLaunchTemplate", Type: "AWS::EC2::LaunchTemplate", Attribute: "LatestVersionNumber"}},
				{resource: "AppSecurityGroup", path: "SecurityGroupIngress[0].FromPort", want: int64(443), line: 48},
				{resource: "AppSecurityGroup", path: "SecurityGroupIngress[0].CidrIp", want: "192.168.0.0/16"},
				{resource: "AppSecurityGroup", path: "SecurityGroupIngress[1].ToPort", want: int64(22), line: 49},
				{resource: "Database", path: "AllocatedStorage", want: "100", line: 58},
				{resource: "Database", path: "Port", want: "6543", line: 59},
				{resource: "Database", path: "StorageEncrypted", want: true},
				{resource: "Database", path: "PubliclyAccessible", want: false},
				{resource: "Database", path: "BackupRetentionPeriod", want: int64(7)},
				{resource: "Database", path: "MasterUserPassword", unknown: "parameter DbPassword has no value and no Default"},
			},
		},
		{
			name: "VPC and security groups",
			file: "vpc-security-groups.yaml",
			opts: Options{Params: map[string]string{"AdminCidr": "203.0.113.0/24"}},
			checks: []check{
				{resource: "Vpc", path: "EnableDnsSupport", want: true},
				{resource: "Vpc", path: "Tags[0].Value", unknown: "AWS::StackName"},
				{resource: "PublicSubnetA", path: "CidrBlock", want: "10.20.0.0/24", line: 30},
				{resource: "PublicSubnetA", path: "MapPublicIpOnLaunch", want: false},
				{resource: "PublicSubnetB", path: "CidrBlock", unknown: "Fn::Cidr of ${Vpc.CidrBlock}"},
				{resource: "PublicSubnetB", path: "AvailabilityZone", unknown: "Fn::GetAZs", line: 39},
				{resource: "WebSecurityGroup", path: "SecurityGroupIngress[0].FromPort", want: int64(80), line: 50},
				{resource: "WebSecurityGroup", path: "SecurityGroupIngress[1].FromPort", want: int64(443), line: 54},
				{resource: "WebSecurityGroup", path: "SecurityGroupIngress[1].CidrIpv6", want: "::/0"},
				{resource: "WebSecurityGroup", path: "SecurityGroupIngress[2].SourceSecurityGroupId", want: "${BastionSecurityGroup.GroupId}",
					ref: &model.Reference{Address: "BastionSecurityGroup", Type: "AWS::EC2::SecurityGroup", Attribute: "GroupId"}},
				{resource: "WebSecurityGroup", path: "SecurityGroupEgress[0].IpProtocol", want: "-1", line: 60},
				{resource: "BastionSshIngress", path: "FromPort", want: int64(22), line: 73},
				{resource: "BastionSshIngress", path: "CidrIp", want: "203.0.113.0/24", line: 75},
			},
		},
		{
			name: "language extensions",
			file: "language-extensions.yaml",
			opts: Options{Region: "eu-central-1", Params: map[string]string{"QueueNames": "orders, payments, refunds"}},
			checks: []check{
				{resource: "ordersQueue", path: "MessageRetentionPeriod", want: int64(345600), line: 22},
				{resource: "refundsQueue", path: "MessageRetentionPeriod", want: int64(86400)},
				{resource: "refundsQueue", path: "QueueName", want: "refunds-eu-central-1", line: 21},
				{resource: "paymentsQueue", path: "SqsManagedSseEnabled", want: true},
				{resource: "Dashboard", path: "DashboardBody", unknown: "AWS::StackName", line: 28},
				{resource: "Topic", path: "DisplayName", want: "topics-${Literal}"},
				{resource: "Topic", path: "TopicName", want: "queues-3"},
			},
			notes: []string{"Transform AWS::LanguageExtensions"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := loadFile(t, tt.file, tt.opts)
			for _, c := range tt.checks {
				r := find(t, tpl, c.resource)
				if r == nil {
					t.Errorf("resource %s missing", c.resource)
					continue
				}
				if r.Origin.Layer != model.LayerCloudFormation || r.Origin.File != tt.file {
					t.Errorf("%s: origin %q %q", c.resource, r.Origin.Layer, r.Origin.File)
				}
				got, ok := model.Lookup(r.Properties, c.path)
				reason, isUnknown := unknownReason(r, c.path)
				switch {
				case !ok:
					t.Errorf("%s %s: no such path; properties %v", c.resource, c.path, r.Properties)
				case c.unknown != "":
					if !isUnknown || !strings.Contains(reason, c.unknown) || got != nil {
						t.Errorf("%s %s: want unknown %q, got value %v, unknown %v %q", c.resource, c.path, c.unknown, got, isUnknown, reason)
					}
				default:
					if isUnknown {
						t.Errorf("%s %s: unexpectedly unknown: %s", c.resource, c.path, reason)
					}
					if diff := cmp.Diff(c.want, got); diff != "" {
						t.Errorf("%s %s: value (-want +got):\n%s", c.resource, c.path, diff)
					}
				}
				if c.ref != nil {
					if diff := cmp.Diff(*c.ref, r.References[c.path]); diff != "" {
						t.Errorf("%s %s: reference (-want +got):\n%s", c.resource, c.path, diff)
					}
				} else if ref, has := r.References[c.path]; has {
					t.Errorf("%s %s: unexpected reference %+v", c.resource, c.path, ref)
				}
				if c.line != 0 {
					if rg := r.Origin.AllPaths()[c.path]; rg.Start.Line != c.line {
						t.Errorf("%s %s: line %d, want %d", c.resource, c.path, rg.Start.Line, c.line)
					}
				}
			}
			for _, a := range tt.absent {
				if find(t, tpl, a) != nil {
					t.Errorf("resource %s should be left out (condition false)", a)
				}
			}
			for _, p := range tt.present {
				if find(t, tpl, p) == nil {
					t.Errorf("resource %s should be present", p)
				}
			}
			for _, n := range tt.notes {
				found := false
				for _, got := range tpl.Notes {
					found = found || strings.Contains(got, n)
				}
				if !found {
					t.Errorf("no note containing %q in %q", n, tpl.Notes)
				}
			}
		})
	}
}

// TestNoEchoNeverLeaks checks that a NoEcho parameter's value appears
// nowhere in the loaded model, even when it decides a condition.
func TestNoEchoNeverLeaks(t *testing.T) {
	tpl := loadFile(t, "data-lake.yaml", Options{Params: map[string]string{"ReplicationToken": "hunter2-secret"}})
	dumped := string(dump(t, tpl))
	for _, s := range []string{"hunter2-secret", "s3cr3t-t0k3n"} {
		if strings.Contains(dumped, s) {
			t.Errorf("NoEcho value %q leaked into the model", s)
		}
	}
	src := []byte(`
Parameters:
  Secret: {Type: String, NoEcho: true, AllowedValues: [a, b], Default: hunter2}
Resources:
  Q: {Type: AWS::SQS::Queue}
`)
	_, err := Load("t.yaml", src, Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("want an error that does not echo the value, got %v", err)
	}
}

// TestPathRanges checks the ranges of names, whole resources and
// intrinsic values, including byte offsets and exclusive ends.
func TestPathRanges(t *testing.T) {
	src := "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub \"b-${AWS::Region}\"\n      Tags:\n        - {Key: k, Value: 'v'}\n"
	tpl, err := Load("r.yaml", []byte(src), Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	r := tpl.Resources[0]
	text := func(rg model.Range) string { return src[rg.Start.Byte:rg.End.Byte] }
	for _, c := range []struct {
		rg   model.Range
		want string
	}{
		{r.Origin.NameRange, "Bucket"},
		{r.Origin.AllPaths()["BucketName"], `!Sub "b-${AWS::Region}"`},
		{r.Origin.AllPaths()["Tags[0]"], "{Key: k, Value: 'v'}"},
		{r.Origin.AllPaths()["Tags[0].Value"], "'v'"},
		{r.Origin.AllPaths()["Tags"], "- {Key: k, Value: 'v'}"},
	} {
		if got := text(c.rg); got != c.want {
			t.Errorf("range text %q, want %q (%+v)", got, c.want, c.rg)
		}
	}
	if !strings.HasPrefix(text(r.Origin.Range), "Bucket:") || !strings.HasSuffix(text(r.Origin.Range), "'v'}") {
		t.Errorf("resource range %q", text(r.Origin.Range))
	}
	if got := r.Origin.AllPaths()["BucketName"]; got.Start.Line != 5 || got.Start.Column != 19 || got.End.Column != 42 {
		t.Errorf("BucketName range %+v", got)
	}
	if r.Properties["BucketName"] != "b-eu-west-1" {
		t.Errorf("BucketName = %v", r.Properties["BucketName"])
	}
}
