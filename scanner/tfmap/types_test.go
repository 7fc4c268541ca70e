package tfmap

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfn"
)

func TestMappedTypes(t *testing.T) {
	tests := []struct {
		name  string
		in    []Resource
		addr  string
		typ   string
		props map[string]any
	}{
		{"kms key", []Resource{res("aws_kms_key.k", "aws_kms_key", 1, map[string]any{
			"enable_key_rotation": false, "customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "key_id": "x",
			"policy": `{"Version":"2012-10-17","Statement":[]}`})},
			"aws_kms_key.k", "AWS::KMS::Key", map[string]any{"EnableKeyRotation": false, "KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY",
				"KeyPolicy": map[string]any{"Version": "2012-10-17", "Statement": []any{}}}},
		{"external key", []Resource{res("aws_kms_external_key.k", "aws_kms_external_key", 1, map[string]any{"description": "imported"})},
			"aws_kms_external_key.k", "AWS::KMS::Key", map[string]any{"Description": "imported", "Origin": "EXTERNAL"}},
		{"instance", []Resource{res("aws_instance.web", "aws_instance", 1, map[string]any{
			"ami": "ami-1", "instance_type": "t3.micro", "metadata_options": []any{map[string]any{"http_tokens": "optional", "http_put_response_hop_limit": int64(1)}}})},
			"aws_instance.web", "AWS::EC2::Instance", map[string]any{"ImageId": "ami-1", "InstanceType": "t3.micro",
				"MetadataOptions": map[string]any{"HttpTokens": "optional", "HttpPutResponseHopLimit": int64(1)}}},
		{"launch template", []Resource{res("aws_launch_template.web", "aws_launch_template", 1, map[string]any{
			"name_prefix": "web-", "image_id": "ami-1", "instance_type": "t3.small", "ebs_optimized": true,
			"metadata_options": []any{map[string]any{"http_endpoint": "enabled", "http_tokens": "required"}}})},
			"aws_launch_template.web", "AWS::EC2::LaunchTemplate", map[string]any{"LaunchTemplateData": map[string]any{
				"ImageId": "ami-1", "InstanceType": "t3.small", "EbsOptimized": true,
				"MetadataOptions": map[string]any{"HttpEndpoint": "enabled", "HttpTokens": "required"}}}},
		{"db instance", []Resource{res("aws_db_instance.orders", "aws_db_instance", 1, map[string]any{
			"identifier": "orders", "engine": "postgres", "instance_class": "db.r6g.large", "storage_encrypted": true,
			"multi_az": true, "password": "hunter2", "skip_final_snapshot": true})},
			"aws_db_instance.orders", "AWS::RDS::DBInstance", map[string]any{"DBInstanceIdentifier": "orders", "Engine": "postgres",
				"DBInstanceClass": "db.r6g.large", "StorageEncrypted": true, "MultiAZ": true, "MasterUserPassword": "hunter2"}},
		{"iam role", []Resource{res("aws_iam_role.r", "aws_iam_role", 1, map[string]any{
			"name": "app", "assume_role_policy": `{"Version":"2012-10-17"}`,
			"inline_policy": []any{map[string]any{"name": "read", "policy": `{"Statement":[{"Effect":"Allow"}]}`}}})},
			"aws_iam_role.r", "AWS::IAM::Role", map[string]any{"RoleName": "app",
				"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17"},
				"Policies":                 []any{map[string]any{"PolicyName": "read", "PolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow"}}}}}}},
		{"lambda", []Resource{res("aws_lambda_function.f", "aws_lambda_function", 1, map[string]any{
			"function_name": "f", "runtime": "python3.12", "filename": "f.zip",
			"environment":    []any{map[string]any{"variables": map[string]any{"log_level": "debug", "DB_HOST": "db"}}},
			"tracing_config": []any{map[string]any{"mode": "Active"}}})},
			"aws_lambda_function.f", "AWS::Lambda::Function", map[string]any{"FunctionName": "f", "Runtime": "python3.12",
				"Environment":   map[string]any{"Variables": map[string]any{"log_level": "debug", "DB_HOST": "db"}},
				"TracingConfig": map[string]any{"Mode": "Active"}}},
		// CloudFormation has a separate resource for the policy, as the
		// provider has; it names the bucket by reference or by name.
		{"bucket policy", []Resource{res("aws_s3_bucket_policy.p", "aws_s3_bucket_policy", 1, map[string]any{
			"bucket": "acme-data", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}`})},
			"aws_s3_bucket_policy.p", "AWS::S3::BucketPolicy", map[string]any{"Bucket": "acme-data",
				"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
					map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:*"}}}}},
		{"unmapped aws type with a name", []Resource{res("aws_sqs_queue.q", "aws_sqs_queue", 1, map[string]any{
			"name": "orders", "sqs_managed_sse_enabled": true, "tags": map[string]any{"owner": "orders"}})},
			"aws_sqs_queue.q", "AWS::SQS::Queue", map[string]any{"Name": "orders", "SqsManagedSseEnabled": true,
				"Tags": []any{map[string]any{"Key": "owner", "Value": "orders"}}}},
		{"unknown aws type", []Resource{res("aws_fancy_widget.w", "aws_fancy_widget", 1, map[string]any{"widget_size": int64(3)})},
			"aws_fancy_widget.w", "Terraform::aws_fancy_widget", map[string]any{"WidgetSize": int64(3)}},
		{"other provider kept as is", []Resource{res("random_id.r", "random_id", 1, map[string]any{"byte_length": int64(8)})},
			"random_id.r", "Terraform::random_id", map[string]any{"byte_length": int64(8)}},
		{"awscc bucket", []Resource{res("awscc_s3_bucket.b", "awscc_s3_bucket", 1, map[string]any{
			"id": nil, "bucket_name": "acme",
			"bucket_encryption": map[string]any{"server_side_encryption_configuration": []any{map[string]any{
				"server_side_encryption_by_default": map[string]any{"sse_algorithm": "aws:kms:dsse", "kms_master_key_id": "arn:aws:kms:k"}}}},
			"versioning_configuration":          map[string]any{"status": "Enabled"},
			"public_access_block_configuration": map[string]any{"block_public_acls": true},
			"tags":                              []any{map[string]any{"key": "team", "value": "data"}}})},
			"awscc_s3_bucket.b", "AWS::S3::Bucket", map[string]any{"BucketName": "acme",
				"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
					"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "arn:aws:kms:k"}}}},
				"VersioningConfiguration":        map[string]any{"Status": "Enabled"},
				"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true},
				"Tags":                           []any{map[string]any{"Key": "team", "Value": "data"}}}},
		{"awscc security group", []Resource{res("awscc_ec2_security_group.g", "awscc_ec2_security_group", 1, map[string]any{
			"group_description": "web", "security_group_id": nil,
			"security_group_ingress": []any{map[string]any{"cidr_ipv_6": "::/0", "ip_protocol": "tcp", "from_port": int64(22), "to_port": int64(22)}}})},
			"awscc_ec2_security_group.g", "AWS::EC2::SecurityGroup", map[string]any{"GroupDescription": "web",
				"SecurityGroupIngress": []any{map[string]any{"CidrIpv6": "::/0", "IpProtocol": "tcp", "FromPort": int64(22), "ToPort": int64(22)}}}},
		// awscc_ec2_security_group_ingress maps by name to the same shape
		// as aws_vpc_security_group_ingress_rule.
		{"awscc security group ingress", []Resource{res("awscc_ec2_security_group_ingress.ssh", "awscc_ec2_security_group_ingress", 1, map[string]any{
			"group_id": "sg-0123", "ip_protocol": "tcp", "from_port": int64(22), "to_port": int64(22), "cidr_ipv_6": "::/0", "id": nil})},
			"awscc_ec2_security_group_ingress.ssh", "AWS::EC2::SecurityGroupIngress", map[string]any{"GroupId": "sg-0123",
				"IpProtocol": "tcp", "FromPort": int64(22), "ToPort": int64(22), "CidrIpv6": "::/0"}},
		{"awscc unlisted type", []Resource{res("awscc_ec2_flow_log.f", "awscc_ec2_flow_log", 1, map[string]any{"flow_log_id": "x", "traffic_type": "ALL"})},
			"awscc_ec2_flow_log.f", "AWS::EC2::FlowLog", map[string]any{"FlowLogId": "x", "TrafficType": "ALL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := Map(tc.in, model.LayerTerraform)
			r := byAddress(t, out, tc.addr)
			if r.Type != tc.typ {
				t.Errorf("type %s, want %s", r.Type, tc.typ)
			}
			if d := cmp.Diff(tc.props, r.Properties); d != "" {
				t.Errorf("properties (-want +got):\n%s", d)
			}
		})
	}
}

// Security group rules are resources of their own, as in CloudFormation:
// a finding names the address the user wrote and points into its block.
func TestSecurityGroups(t *testing.T) {
	sg := res("aws_security_group.web", "aws_security_group", 1, map[string]any{
		"name": "web", "ingress": []any{map[string]any{
			"from_port": int64(22), "to_port": int64(22), "protocol": "tcp",
			"cidr_blocks": []any{"10.0.0.0/8", "0.0.0.0/0"}, "ipv6_cidr_blocks": []any{"::/0"}, "security_groups": []any{}, "self": false,
		}},
		"egress": []any{map[string]any{"from_port": int64(5432), "to_port": int64(5432), "protocol": "tcp",
			"security_groups": []any{"sg-db"}, "prefix_list_ids": []any{"pl-1"}}}})
	sg.Ranges["ingress[0].cidr_blocks[1]"] = at(6, 30, 41)
	sg.Ranges["ingress[0]"] = at(3, 3, 12)
	groupRef := map[string]Ref{"security_group_id": {Address: "aws_security_group.web", Type: "aws_security_group", Attribute: "id"}}
	rule := res("aws_security_group_rule.rdp", "aws_security_group_rule", 20, map[string]any{
		"type": "ingress", "security_group_id": nil, "from_port": int64(3389), "to_port": int64(3389), "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}})
	rule.Refs = groupRef
	rule.Ranges["cidr_blocks[0]"] = at(25, 18, 29)
	many := res("aws_security_group_rule.many", "aws_security_group_rule", 60, map[string]any{
		"type": "ingress", "security_group_id": "sg-0123", "from_port": int64(22), "to_port": int64(22), "protocol": "tcp",
		"cidr_blocks": []any{"10.0.0.0/8", "0.0.0.0/0"}, "ipv6_cidr_blocks": []any{"::/0"}, "self": false})
	many.Ranges["cidr_blocks[0]"] = at(64, 5, 17)
	many.Ranges["cidr_blocks[1]"] = at(65, 5, 16)
	many.Ranges["ipv6_cidr_blocks[0]"] = at(67, 24, 30)
	vpc := res("aws_vpc_security_group_ingress_rule.ssh_v6", "aws_vpc_security_group_ingress_rule", 30, map[string]any{
		"security_group_id": nil, "ip_protocol": "tcp", "from_port": int64(22), "to_port": int64(22), "cidr_ipv6": "::/0",
		"tags": map[string]any{"Name": "ssh"}})
	vpc.Refs = groupRef
	vpc.Ranges["cidr_ipv6"] = at(35, 23, 29)
	orphan := res("aws_vpc_security_group_ingress_rule.ext", "aws_vpc_security_group_ingress_rule", 40, map[string]any{
		"security_group_id": "sg-0123", "ip_protocol": "-1", "cidr_ipv6": "::/0"})
	egress := res("aws_security_group_rule.out", "aws_security_group_rule", 50, map[string]any{
		"type": "egress", "security_group_id": nil, "from_port": int64(0), "to_port": int64(0), "protocol": "-1",
		"source_security_group_id": "sg-peer", "prefix_list_ids": []any{"pl-1", "pl-2"}})
	egress.Refs = groupRef
	vpcOut := res("aws_vpc_security_group_egress_rule.s3", "aws_vpc_security_group_egress_rule", 70, map[string]any{
		"security_group_id": nil, "ip_protocol": "tcp", "from_port": int64(443), "to_port": int64(443), "prefix_list_id": "pl-s3"})
	vpcOut.Refs = groupRef
	typeless := res("aws_security_group_rule.any", "aws_security_group_rule", 80, map[string]any{
		"type": nil, "security_group_id": "sg-0123", "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}})
	typeless.Unknown = map[string]string{"type": "var.direction has no value"}

	out, notes := Map([]Resource{sg, rule, many, vpc, orphan, egress, vpcOut, typeless}, model.LayerTerraform)
	if len(notes) != 1 || !strings.Contains(notes[0], "aws_security_group_rule.any: type is not known statically (var.direction has no value), so the rule is not checked") {
		t.Errorf("notes %v", notes)
	}
	g := byAddress(t, out, "aws_security_group.web")
	entry := func(src string, src2 any, from, to int64, proto string) map[string]any {
		return map[string]any{src: src2, "FromPort": from, "ToPort": to, "IpProtocol": proto}
	}
	want := map[string]any{
		"GroupName": "web",
		"SecurityGroupIngress": []any{
			entry("CidrIp", "10.0.0.0/8", 22, 22, "tcp"),
			entry("CidrIp", "0.0.0.0/0", 22, 22, "tcp"),
			entry("CidrIpv6", "::/0", 22, 22, "tcp"),
		},
		"SecurityGroupEgress": []any{
			entry("DestinationSecurityGroupId", "sg-db", 5432, 5432, "tcp"),
			entry("DestinationPrefixListId", "pl-1", 5432, 5432, "tcp"),
		},
	}
	if d := cmp.Diff(want, g.Properties); d != "" {
		t.Errorf("group properties (-want +got):\n%s", d)
	}
	if got := g.Origin.Paths["SecurityGroupIngress[1].CidrIp"]; got != at(6, 30, 41) {
		t.Errorf("inline CIDR range %+v", got)
	}
	if got := g.Origin.Paths["SecurityGroupIngress[2]"]; got != at(3, 3, 12) {
		t.Errorf("an entry points at its ingress block: %+v", got)
	}

	ref := "${aws_security_group.web.id}"
	groupID := model.Reference{Address: "aws_security_group.web", Type: "AWS::EC2::SecurityGroup", Attribute: "id"}
	tests := []struct {
		addr, typ string
		props     map[string]any
		ranges    map[string]model.Range
	}{
		{"aws_security_group_rule.rdp", "AWS::EC2::SecurityGroupIngress",
			map[string]any{"GroupId": ref, "CidrIp": "0.0.0.0/0", "FromPort": int64(3389), "ToPort": int64(3389), "IpProtocol": "tcp"},
			map[string]model.Range{"CidrIp": at(25, 18, 29)}},
		// Several sources: a list each, so one resource keeps the address
		// and a finding the element it is about.
		{"aws_security_group_rule.many", "AWS::EC2::SecurityGroupIngress",
			map[string]any{"GroupId": "sg-0123", "CidrIp": []any{"10.0.0.0/8", "0.0.0.0/0"}, "CidrIpv6": "::/0",
				"FromPort": int64(22), "ToPort": int64(22), "IpProtocol": "tcp"},
			map[string]model.Range{"CidrIp[1]": at(65, 5, 16), "CidrIpv6": at(67, 24, 30)}},
		{"aws_vpc_security_group_ingress_rule.ssh_v6", "AWS::EC2::SecurityGroupIngress",
			map[string]any{"GroupId": ref, "CidrIpv6": "::/0", "FromPort": int64(22), "ToPort": int64(22), "IpProtocol": "tcp",
				"Tags": []any{map[string]any{"Key": "Name", "Value": "ssh"}}},
			map[string]model.Range{"CidrIpv6": at(35, 23, 29)}},
		{"aws_vpc_security_group_ingress_rule.ext", "AWS::EC2::SecurityGroupIngress",
			map[string]any{"GroupId": "sg-0123", "CidrIpv6": "::/0", "IpProtocol": "-1"}, nil},
		{"aws_security_group_rule.out", "AWS::EC2::SecurityGroupEgress",
			map[string]any{"GroupId": ref, "DestinationSecurityGroupId": "sg-peer", "DestinationPrefixListId": []any{"pl-1", "pl-2"},
				"FromPort": int64(0), "ToPort": int64(0), "IpProtocol": "-1"}, nil},
		{"aws_vpc_security_group_egress_rule.s3", "AWS::EC2::SecurityGroupEgress",
			map[string]any{"GroupId": ref, "DestinationPrefixListId": "pl-s3", "FromPort": int64(443), "ToPort": int64(443), "IpProtocol": "tcp"}, nil},
	}
	for _, tc := range tests {
		r := byAddress(t, out, tc.addr)
		if r.Type != tc.typ {
			t.Errorf("%s: type %s, want %s", tc.addr, r.Type, tc.typ)
		}
		if d := cmp.Diff(tc.props, r.Properties); d != "" {
			t.Errorf("%s: properties (-want +got):\n%s", tc.addr, d)
		}
		if tc.props["GroupId"] == ref {
			if got := r.References["GroupId"]; got != groupID {
				t.Errorf("%s: GroupId reference %+v", tc.addr, got)
			}
		}
		for p, want := range tc.ranges {
			if got := r.Origin.Paths[p]; got != want {
				t.Errorf("%s: range of %s = %+v, want %+v", tc.addr, p, got, want)
			}
		}
	}
	seen := map[string]bool{}
	for _, r := range out {
		if seen[r.Address] {
			t.Errorf("%s mapped twice", r.Address)
		}
		seen[r.Address] = true
	}
	if seen["aws_security_group_rule.any"] {
		t.Errorf("a rule of unknown type is mapped")
	}
}

// A security group rule in a plan changes itself, not its group.
func TestSecurityGroupRuleChange(t *testing.T) {
	sg := res("aws_security_group.web", "aws_security_group", 1, map[string]any{"name": "web"})
	sg.Change = &model.Change{Action: model.ActionNone}
	rule := res("aws_security_group_rule.ssh", "aws_security_group_rule", 10, map[string]any{
		"type": "ingress", "security_group_id": "sg-1", "protocol": "tcp", "from_port": int64(22), "to_port": int64(22),
		"cidr_blocks": []any{"0.0.0.0/0"}, "source_security_group_id": nil})
	rule.Unknown = map[string]string{"source_security_group_id": "known only after apply"}
	rule.Change = &model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"cidr_blocks"},
		Before: map[string]any{"type": "ingress", "security_group_id": "sg-1", "protocol": "tcp", "from_port": int64(22), "to_port": int64(22),
			"cidr_blocks": []any{"10.0.0.0/8"}}}
	out, notes := Map([]Resource{sg, rule}, model.LayerPlan)
	if len(notes) != 0 {
		t.Errorf("notes %v", notes)
	}
	if c := byAddress(t, out, "aws_security_group.web").Change; c.Action != model.ActionNone || len(c.ChangedPaths) != 0 {
		t.Errorf("group change %+v", c)
	}
	r := byAddress(t, out, "aws_security_group_rule.ssh")
	want := &model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"CidrIp"},
		Before: map[string]any{"GroupId": "sg-1", "IpProtocol": "tcp", "FromPort": int64(22), "ToPort": int64(22), "CidrIp": "10.0.0.0/8"}}
	if d := cmp.Diff(want, r.Change); d != "" {
		t.Errorf("change (-want +got):\n%s", d)
	}
	if len(r.UnknownPaths) != 0 {
		t.Errorf("a computed source the configuration leaves out is not unknown: %v", r.UnknownPaths)
	}
}

func TestInstanceLaunchTemplateReference(t *testing.T) {
	lt := res("aws_launch_template.web", "aws_launch_template", 1, map[string]any{"image_id": "ami-1"})
	in := res("aws_instance.web", "aws_instance", 10, map[string]any{
		"launch_template": []any{map[string]any{"id": nil, "version": "$Latest"}}})
	in.Refs = map[string]Ref{"launch_template[0].id": {Address: "aws_launch_template.web", Type: "aws_launch_template", Attribute: "id"}}
	in.Unknown = map[string]string{"launch_template[0].id": "aws_launch_template.web.id is known only after apply"}
	out, _ := Map([]Resource{lt, in}, model.LayerPlan)
	i := byAddress(t, out, "aws_instance.web")
	if got := lookup(t, i, "LaunchTemplate.LaunchTemplateId"); got != "${aws_launch_template.web.id}" {
		t.Errorf("placeholder %v", got)
	}
	want := model.Reference{Address: "aws_launch_template.web", Type: "AWS::EC2::LaunchTemplate", Attribute: "id"}
	if got := i.References["LaunchTemplate.LaunchTemplateId"]; got != want {
		t.Errorf("reference %+v", got)
	}
	if len(i.UnknownPaths) != 0 {
		t.Errorf("unknown %v", i.UnknownPaths)
	}
}

func TestDataSourceReferenceHasNoType(t *testing.T) {
	sse := res("aws_s3_bucket_server_side_encryption_configuration.x", "aws_s3_bucket_server_side_encryption_configuration", 10, map[string]any{
		"bucket": "acme-x", "rule": []any{map[string]any{"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": "aws:kms:dsse"}}}}})
	sse.Refs = map[string]Ref{"rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id": {Address: "data.aws_kms_alias.s3", Type: "aws_kms_alias", Attribute: "arn"}}
	out, _ := Map([]Resource{res("aws_s3_bucket.x", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-x"}), sse}, model.LayerTerraform)
	got := out[0].References["BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID"]
	if got.Type != "" || got.Address != "data.aws_kms_alias.s3" {
		t.Errorf("reference %+v", got)
	}
}

func TestChangeTranslation(t *testing.T) {
	b := res("aws_s3_bucket.b", "aws_s3_bucket", 1, map[string]any{"bucket": "acme-b", "tags": map[string]any{"env": "prod"}})
	b.Change = &model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"tags.env", "tags_all"},
		Before: map[string]any{"bucket": "acme-b", "tags": map[string]any{"env": "dev"}}}
	b.Lifecycle = &model.Lifecycle{IgnoreChanges: []string{"tags"}}
	b.Ranges["lifecycle.ignore_changes"] = at(8, 5, 30)
	v := res("aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning", 20, map[string]any{
		"bucket": "acme-b", "versioning_configuration": []any{map[string]any{"status": "Enabled"}}})
	v.Change = &model.Change{Action: model.ActionUpdate, ChangedPaths: []string{"versioning_configuration[0].status"},
		Drifted: true, DriftedPaths: []string{"versioning_configuration"},
		Before: map[string]any{"bucket": "acme-b", "versioning_configuration": []any{map[string]any{"status": "Suspended"}}}}
	out, _ := Map([]Resource{b, v}, model.LayerPlan)
	want := &model.Change{Action: model.ActionUpdate,
		ChangedPaths: []string{"Tags", "VersioningConfiguration.Status"},
		Drifted:      true, DriftedPaths: []string{"VersioningConfiguration.Status"},
		Before: map[string]any{"BucketName": "acme-b", "Tags": []any{map[string]any{"Key": "env", "Value": "dev"}},
			"VersioningConfiguration": map[string]any{"Status": "Suspended"}}}
	if d := cmp.Diff(want, out[0].Change); d != "" {
		t.Errorf("change (-want +got):\n%s", d)
	}
	if out[0].Origin.Paths["lifecycle.ignore_changes"] != at(8, 5, 30) {
		t.Errorf("ignore_changes range %+v", out[0].Origin.Paths["lifecycle.ignore_changes"])
	}
}

func TestAWSCCNaming(t *testing.T) {
	tests := map[string]string{
		"bucket_encryption.server_side_encryption_configuration[0].server_side_encryption_by_default.kms_master_key_id": "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID",
		"bucket_encryption.server_side_encryption_configuration[0].server_side_encryption_by_default.sse_algorithm":     "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm",
		"some_new_property": "SomeNewProperty",
	}
	for in, want := range tests {
		if got, _ := awsccPath("AWS::S3::Bucket", in); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
	snake := map[string]string{"KMSMasterKeyID": "kms_master_key_id", "SSEAlgorithm": "sse_algorithm", "CidrIpv6": "cidr_ipv_6",
		"S3Bucket": "s3_bucket", "Ipv6CidrBlock": "ipv_6_cidr_block", "MultiAZ": "multi_az", "DBInstanceClass": "db_instance_class"}
	for in, want := range snake {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%s) = %s, want %s", in, got, want)
		}
	}
	types := map[string]string{"awscc_s3_bucket": "AWS::S3::Bucket", "awscc_ec2_security_group": "AWS::EC2::SecurityGroup",
		"awscc_kms_key": "AWS::KMS::Key", "awscc_rds_db_instance": "AWS::RDS::DBInstance", "awscc_iam_role": "AWS::IAM::Role",
		"awscc_ec2_vpc": "AWS::EC2::VPC", "awscc_dynamodb_global_table": "AWS::DynamoDB::GlobalTable", "aws_s3_bucket_versioning": "AWS::S3::Bucket",
		"aws_vpc_security_group_ingress_rule": "AWS::EC2::SecurityGroupIngress", "aws_vpc_security_group_egress_rule": "AWS::EC2::SecurityGroupEgress",
		"awscc_ec2_security_group_ingress": "AWS::EC2::SecurityGroupIngress"}
	for in, want := range types {
		if got, ok := CloudFormationType(in); !ok || got != want {
			t.Errorf("CloudFormationType(%s) = %s, %v; want %s", in, got, ok, want)
		}
	}
	if _, ok := CloudFormationType("google_storage_bucket"); ok {
		t.Errorf("google_storage_bucket mapped")
	}
}

// The data-lake template's buckets, written with the aws provider, map to
// the values the CloudFormation loader gives for the properties the rules
// read.
func TestConformanceDataLake(t *testing.T) {
	const file = "../../examples/templates/data-lake.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Load(file, src, cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kmsRef := func(attr string) map[string]Ref {
		return map[string]Ref{"rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id": {Address: "DataKey", Type: "aws_kms_key", Attribute: attr}}
	}
	bucket := func(name string) Resource { return res(name, "aws_s3_bucket", 1, map[string]any{"bucket": name}) }
	sat := func(typ, name string, attrs map[string]any) Resource {
		attrs["bucket"] = name
		return res(typ+"."+name, typ, 10, attrs)
	}
	pab := func(name string, policy bool) Resource {
		return sat("aws_s3_bucket_public_access_block", name, map[string]any{"block_public_acls": true, "block_public_policy": policy,
			"ignore_public_acls": true, "restrict_public_buckets": true})
	}
	sse := func(name, alg string, key Ref, bucketKey bool) Resource {
		rule := map[string]any{"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": alg}}}
		if bucketKey {
			rule["bucket_key_enabled"] = true
		}
		r := sat("aws_s3_bucket_server_side_encryption_configuration", name, map[string]any{"rule": []any{rule}})
		if key.Address != "" {
			r.Refs = map[string]Ref{"rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id": key}
		}
		return r
	}
	versioning := func(name, status string) Resource {
		return sat("aws_s3_bucket_versioning", name, map[string]any{"versioning_configuration": []any{map[string]any{"status": status}}})
	}
	in := []Resource{
		bucket("RawBucket"), sse("RawBucket", "aws:kms", kmsRef("Arn")["rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"], true),
		versioning("RawBucket", "Enabled"), pab("RawBucket", true),
		bucket("CuratedBucket"), sse("CuratedBucket", "AES256", Ref{}, false), versioning("CuratedBucket", "Suspended"), pab("CuratedBucket", false),
		bucket("ScratchBucket"), sse("ScratchBucket", "aws:kms", Ref{Address: "DataKey", Type: "aws_kms_key"}, false), pab("ScratchBucket", true),
	}
	out, notes := Map(in, model.LayerTerraform)
	if len(notes) != 0 {
		t.Fatalf("notes %v", notes)
	}
	read := []string{"BucketEncryption", "VersioningConfiguration", "PublicAccessBlockConfiguration"}
	for _, want := range tpl.Resources {
		if want.Type != "AWS::S3::Bucket" {
			continue
		}
		got := byAddress(t, out, want.Address)
		for _, p := range read {
			w, wok := model.Lookup(want.Properties, p)
			g, gok := model.Lookup(got.Properties, p)
			if d := cmp.Diff(w, g); d != "" || wok != gok {
				t.Errorf("%s %s (-cloudformation +terraform):\n%s", want.Address, p, d)
			}
		}
		for p, wr := range want.References {
			if gr := got.References[p]; gr.Address != wr.Address || gr.Type != wr.Type {
				t.Errorf("%s reference %s: got %+v, want %+v", want.Address, p, gr, wr)
			}
		}
	}
}

func TestTableMeta(t *testing.T) {
	if err := awsTable().validate(); err != nil {
		t.Fatal(err)
	}
	for tfType, e := range awsTable().Resources {
		if !cfnTypeRE.MatchString(e.Type) {
			t.Errorf("%s: type %s", tfType, e.Type)
		}
		for _, r := range e.rules {
			if _, err := parsePattern(r.CFN); err != nil {
				t.Errorf("%s: %v", tfType, err)
			}
		}
		if e.Parent != nil {
			for _, p := range e.Parent.Types {
				if _, ok := CloudFormationType(p); !ok {
					t.Errorf("%s: parent type %s has no CloudFormation type", tfType, p)
				}
			}
		}
	}
	bad := []string{
		`{"resources": {"aws_x": {"type": "S3::Bucket"}}}`,
		`{"resources": {"aws_x": {"type": "AWS::S3::Bucket", "attributes": [{"tf": "a[]", "cfn": "A"}]}}}`,
		`{"resources": {"aws_x": {"type": "AWS::S3::Bucket", "attributes": [{"tf": "a..b", "cfn": "A"}]}}}`,
		`{"resources": {"aws_x": {"type": "AWS::S3::Bucket", "attributes": [{"tf": "a[1]", "cfn": "A"}]}}}`,
		`{"resources": {"aws_x": {"type": "AWS::S3::Bucket", "bogus": 1}}}`,
		`{"names": {"aws_x": "AWS::X"}}`,
	}
	for _, src := range bad {
		if _, err := loadTable([]byte(src)); err == nil {
			t.Errorf("accepted %s", src)
		}
	}
}
