// Command gen writes the synthetic inputs of the peer benchmark. Its output
// depends only on its arguments (no clock, no randomness beyond a fixed
// seed), so every run, on every machine, benchmarks the same bytes.
//
//	gen terraform -scale N DIR   # N x (about 300 resources): root modules calling local modules
//	gen cloudformation -scale N DIR   # N x (10 templates of about 30 resources)
//	gen plan -changes N -from testdata/plan/create/plan.json FILE
//
// Terraform: DIR/modules/{bucket,network} are local modules; DIR/envs/env-K
// (6 per unit of scale) are root modules with variables, terraform.tfvars,
// locals, for_each over maps, module calls, split S3 resources
// (aws_s3_bucket + _versioning + _server_side_encryption_configuration +
// _public_access_block), security groups with dynamic ingress blocks, KMS
// keys, instances and launch templates. CloudFormation: DIR/stack-K.yaml (and
// every fifth one as .json) with Parameters, Conditions, Mappings and the
// intrinsics !Sub, !Ref, !GetAtt, !If, !FindInMap. Plan: the resource
// changes (and the matching planned_values and configuration entries) of a
// genuine terraform show -json output, replicated under new names until
// there are N of them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	scale := fs.Int("scale", 1, "size multiplier (terraform, cloudformation)")
	changes := fs.Int("changes", 1000, "resource changes (plan)")
	from := fs.String("from", "testdata/plan/create/plan.json", "genuine plan to replicate (plan)")
	_ = fs.Parse(os.Args[2:])
	if fs.NArg() != 1 {
		usage()
	}
	out := fs.Arg(0)
	var err error
	switch os.Args[1] {
	case "terraform":
		err = terraform(out, *scale)
	case "cloudformation":
		err = cloudformation(out, *scale)
	case "plan":
		err = plan(*from, out, *changes)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gen terraform|cloudformation -scale N DIR | gen plan -changes N [-from PLAN] FILE")
	os.Exit(2)
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// ---- Terraform ----

const bucketModule = `variable "name" {
  type = string
}

variable "sse_algorithm" {
  type    = string
  default = "aws:kms"
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "versioning" {
  type    = bool
  default = true
}

variable "block_public" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = merge(var.tags, { Name = var.name })
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.sse_algorithm
      kms_master_key_id = var.sse_algorithm == "AES256" ? null : var.kms_key_arn
    }
    bucket_key_enabled = var.sse_algorithm != "AES256"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = var.block_public
  restrict_public_buckets = var.block_public
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
`

const networkModule = `variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "public_ports" {
  type    = list(number)
  default = [443]
}

variable "internal_ports" {
  type    = list(number)
  default = [5432, 6379]
}

variable "internal_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

locals {
  internal = { for p in var.internal_ports : tostring(p) => p }
}

resource "aws_security_group" "public" {
  name        = "${var.name}-public"
  description = "public ingress for ${var.name}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.public_ports
    content {
      description = "port ${ingress.value}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "internal" {
  for_each    = local.internal
  name        = "${var.name}-internal-${each.key}"
  description = "internal port ${each.value}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = [each.value]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.internal_cidr]
    }
  }
}

output "public_id" {
  value = aws_security_group.public.id
}
`

func terraform(dir string, scale int) error {
	if err := write(filepath.Join(dir, "modules/bucket/main.tf"), bucketModule); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "modules/network/main.tf"), networkModule); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, uint64(scale)))
	for k := range 6 * scale {
		if err := terraformRoot(filepath.Join(dir, "envs", fmt.Sprintf("env-%04d", k)), k, r); err != nil {
			return err
		}
	}
	return nil
}

func terraformRoot(dir string, k int, r *rand.Rand) error {
	var vars, tfvars, main strings.Builder
	fmt.Fprintf(&vars, `variable "environment" {
  type = string
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "buckets" {
  description = "buckets by purpose"
  type = map(object({
    sse        = string
    versioning = bool
  }))
}

variable "services" {
  type = map(list(number))
}

variable "instance_tokens" {
  type    = string
  default = "required"
}
`)
	fmt.Fprintf(&tfvars, "environment = \"env-%04d\"\n\nbuckets = {\n", k)
	purposes := []string{"logs", "data", "archive", "reports", "backups", "exports", "raw", "curated", "audit", "artifacts", "models", "static"}
	for i, p := range purposes {
		sse := "aws:kms"
		switch {
		case r.IntN(6) == 0:
			sse = "AES256"
		case i%5 == 0:
			sse = "aws:kms:dsse"
		}
		versioning := r.IntN(8) != 0
		fmt.Fprintf(&tfvars, "  %s = { sse = %q, versioning = %t }\n", p, sse, versioning)
	}
	fmt.Fprintf(&tfvars, "}\n\nservices = {\n")
	for i, s := range []string{"web", "api", "admin", "batch", "search", "queue"} {
		ports := "[443]"
		if r.IntN(4) == 0 {
			ports = "[443, 22]"
		} else if i%2 == 1 {
			ports = "[80, 443]"
		}
		fmt.Fprintf(&tfvars, "  %s = %s\n", s, ports)
	}
	tfvars.WriteString("}\n")
	if r.IntN(3) == 0 {
		tfvars.WriteString("\ninstance_tokens = \"optional\"\n")
	}

	fmt.Fprintf(&main, `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  prefix = "acme-${var.environment}"
  tags = {
    environment         = var.environment
    owner               = "platform"
    data-classification = "internal"
  }
}

resource "aws_kms_key" "data" {
  description             = "data key for ${local.prefix}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.tags
}

resource "aws_kms_key" "logs" {
  description         = "log key for ${local.prefix}"
  enable_key_rotation = %t
  tags                = local.tags
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

resource "aws_vpc" "main" {
  cidr_block           = "10.%d.0.0/16"
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = local.prefix })
}

resource "aws_subnet" "private" {
  for_each          = { a = 1, b = 2, c = 3 }
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, each.value)
  availability_zone = "${var.region}${each.key}"
  tags              = local.tags
}

module "buckets" {
  source   = "../../modules/bucket"
  for_each = var.buckets

  name          = "${local.prefix}-${each.key}"
  sse_algorithm = each.value.sse
  kms_key_arn   = aws_kms_key.data.arn
  versioning    = each.value.versioning
  tags          = local.tags
}

module "network" {
  source   = "../../modules/network"
  for_each = var.services

  name         = "${local.prefix}-${each.key}"
  vpc_id       = aws_vpc.main.id
  public_ports = each.value
}

resource "aws_launch_template" "app" {
  for_each      = var.services
  name_prefix   = "${local.prefix}-${each.key}-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = var.instance_tokens
  }

  vpc_security_group_ids = [module.network[each.key].public_id]
  tags                   = local.tags
}

resource "aws_instance" "bastion" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.nano"
  subnet_id     = aws_subnet.private["a"].id

  metadata_options {
    http_tokens = count.index == 0 ? "required" : var.instance_tokens
  }

  root_block_device {
    encrypted = true
  }

  tags = merge(local.tags, { Name = "${local.prefix}-bastion-${count.index}" })
}

output "bucket_arns" {
  value = { for k, m in module.buckets : k => m.arn }
}
`, r.IntN(5) != 0, k%250)
	for name, content := range map[string]string{"variables.tf": vars.String(), "terraform.tfvars": tfvars.String(), "main.tf": main.String()} {
		if err := write(filepath.Join(dir, name), content); err != nil {
			return err
		}
	}
	return nil
}

// ---- CloudFormation ----

func cloudformation(dir string, scale int) error {
	r := rand.New(rand.NewPCG(2, uint64(scale)))
	for k := range 10 * scale {
		if k%5 == 4 {
			b, err := json.MarshalIndent(cfnJSON(k, r), "", "  ")
			if err != nil {
				return err
			}
			if err := write(filepath.Join(dir, fmt.Sprintf("stack-%04d.json", k)), string(b)+"\n"); err != nil {
				return err
			}
			continue
		}
		if err := write(filepath.Join(dir, fmt.Sprintf("stack-%04d.yaml", k)), cfnYAML(k, r)); err != nil {
			return err
		}
	}
	return nil
}

func cfnYAML(k int, r *rand.Rand) string {
	var b strings.Builder
	fmt.Fprintf(&b, `AWSTemplateFormatVersion: "2010-09-09"
Description: generated stack %04d for the stackgate benchmark
Parameters:
  Environment:
    Type: String
    AllowedValues: [dev, staging, prod]
    Default: %s
  VpcId:
    Type: AWS::EC2::VPC::Id
    Default: vpc-0123456789abcdef0
  InstanceType:
    Type: String
    Default: t3.small
  LogRetentionDays:
    Type: Number
    Default: 30
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  NotProd: !Not [!Condition IsProd]
Mappings:
  RegionMap:
    eu-west-1:
      Ami: ami-0123456789abcdef0
    us-east-1:
      Ami: ami-0fedcba9876543210
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "data key of ${AWS::StackName}"
      EnableKeyRotation: %t
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: root
            Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: "kms:*"
            Resource: "*"
  DataKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub "alias/${AWS::StackName}-data"
      TargetKeyId: !Ref DataKey
`, k, []string{"dev", "staging", "prod"}[k%3], r.IntN(5) != 0)
	for i := range 14 {
		name := fmt.Sprintf("Bucket%02d", i)
		sse := "aws:kms"
		keyLine := "\n                KMSMasterKeyID: !GetAtt DataKey.Arn"
		switch {
		case r.IntN(6) == 0:
			sse, keyLine = "AES256", ""
		case i%5 == 0:
			sse = "!If [IsProd, aws:kms:dsse, aws:kms]"
		}
		versioning := "Enabled"
		if r.IntN(8) == 0 {
			versioning = "Suspended"
		}
		fmt.Fprintf(&b, `  %s:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      BucketName: !Sub "acme-${Environment}-%04d-%02d-${AWS::Region}"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
                SSEAlgorithm: %s%s
            BucketKeyEnabled: true
      VersioningConfiguration:
        Status: %s
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: %t
        RestrictPublicBuckets: true
      Tags:
        - Key: data-classification
          Value: !If [IsProd, confidential, internal]
        - Key: owner
          Value: platform
`, name, k, i, sse, keyLine, versioning, r.IntN(10) != 0)
	}
	for i := range 6 {
		cidr := "10.0.0.0/8"
		port := 443
		if r.IntN(4) == 0 {
			cidr, port = "0.0.0.0/0", 22
		} else if i%2 == 0 {
			cidr = "0.0.0.0/0"
		}
		fmt.Fprintf(&b, `  Sg%02d:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "service %02d of ${AWS::StackName}"
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: %d
          ToPort: %d
          CidrIp: %s
        - IpProtocol: tcp
          FromPort: 8443
          ToPort: 8443
          SourceSecurityGroupId: !GetAtt Sg00.GroupId
`, i, i, port, port, cidr)
	}
	for i := range 4 {
		tokens := "required"
		if r.IntN(3) == 0 {
			tokens = "!If [IsProd, required, optional]"
		}
		fmt.Fprintf(&b, `  Template%02d:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: !FindInMap [RegionMap, !Ref "AWS::Region", Ami]
        InstanceType: !Ref InstanceType
        MetadataOptions:
          HttpTokens: %s
          HttpEndpoint: enabled
        SecurityGroupIds:
          - !GetAtt Sg%02d.GroupId
  Instance%02d:
    Type: AWS::EC2::Instance
    Condition: NotProd
    Properties:
      LaunchTemplate:
        LaunchTemplateId: !Ref Template%02d
        Version: !GetAtt Template%02d.LatestVersionNumber
      SubnetId: !Select [0, !Split [",", "subnet-0a,subnet-0b"]]
`, i, tokens, i, i, i, i)
	}
	b.WriteString(`  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/acme/${Environment}/app"
      RetentionInDays: !Ref LogRetentionDays
Outputs:
  DataKeyArn:
    Value: !GetAtt DataKey.Arn
    Export:
      Name: !Sub "${AWS::StackName}-DataKeyArn"
`)
	return b.String()
}

// cfnJSON is a JSON template with the long-form intrinsics.
func cfnJSON(k int, r *rand.Rand) map[string]any {
	ref := func(s string) map[string]any { return map[string]any{"Ref": s} }
	getAtt := func(res, att string) map[string]any { return map[string]any{"Fn::GetAtt": []any{res, att}} }
	sub := func(s string) map[string]any { return map[string]any{"Fn::Sub": s} }
	ifc := func(c string, a, b any) map[string]any { return map[string]any{"Fn::If": []any{c, a, b}} }
	res := map[string]any{
		"DataKey": map[string]any{"Type": "AWS::KMS::Key", "Properties": map[string]any{
			"Description":       sub("data key of ${AWS::StackName}"),
			"EnableKeyRotation": r.IntN(5) != 0,
		}},
	}
	for i := range 20 {
		sse := any("aws:kms")
		enc := map[string]any{"SSEAlgorithm": sse, "KMSMasterKeyID": getAtt("DataKey", "Arn")}
		if r.IntN(6) == 0 {
			enc = map[string]any{"SSEAlgorithm": "AES256"}
		} else if i%5 == 0 {
			enc["SSEAlgorithm"] = ifc("IsProd", "aws:kms:dsse", "aws:kms")
		}
		res[fmt.Sprintf("Bucket%02d", i)] = map[string]any{"Type": "AWS::S3::Bucket", "Properties": map[string]any{
			"BucketName": sub(fmt.Sprintf("acme-${Environment}-%04d-%02d", k, i)),
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
				map[string]any{"ServerSideEncryptionByDefault": enc, "BucketKeyEnabled": true},
			}},
			"VersioningConfiguration": map[string]any{"Status": ifc("IsProd", "Enabled", map[string]any{"Fn::FindInMap": []any{"Defaults", ref("Environment"), "Versioning"}})},
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": r.IntN(10) != 0,
			},
		}}
	}
	for i := range 8 {
		cidr := "10.0.0.0/8"
		if r.IntN(3) == 0 {
			cidr = "0.0.0.0/0"
		}
		res[fmt.Sprintf("Sg%02d", i)] = map[string]any{"Type": "AWS::EC2::SecurityGroup", "Properties": map[string]any{
			"GroupDescription":     sub("service of ${AWS::StackName}"),
			"VpcId":                ref("VpcId"),
			"SecurityGroupIngress": []any{map[string]any{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": cidr}},
		}}
	}
	return map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              fmt.Sprintf("generated stack %04d for the stackgate benchmark", k),
		"Parameters": map[string]any{
			"Environment": map[string]any{"Type": "String", "Default": []string{"dev", "staging", "prod"}[k%3], "AllowedValues": []string{"dev", "staging", "prod"}},
			"VpcId":       map[string]any{"Type": "AWS::EC2::VPC::Id", "Default": "vpc-0123456789abcdef0"},
		},
		"Conditions": map[string]any{"IsProd": map[string]any{"Fn::Equals": []any{ref("Environment"), "prod"}}},
		"Mappings": map[string]any{"Defaults": map[string]any{
			"dev": map[string]any{"Versioning": "Suspended"}, "staging": map[string]any{"Versioning": "Enabled"}, "prod": map[string]any{"Versioning": "Enabled"},
		}},
		"Resources": res,
	}
}

// ---- plan ----

// plan replicates the resource changes of a genuine plan. Copy i of a
// resource named N is named N_cI; every address and reference to a copied
// resource (in resource_changes, planned_values, configuration and
// relevant_attributes) is renamed alike, so the copies refer to each other
// exactly as the originals do.
func plan(from, out string, n int) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	rcs, _ := p["resource_changes"].([]any)
	if len(rcs) == 0 {
		return fmt.Errorf("%s has no resource_changes", from)
	}
	var addrs []string
	for _, rc := range rcs {
		addrs = append(addrs, rc.(map[string]any)["address"].(string))
	}
	copies := (n + len(rcs) - 1) / len(rcs)
	replicate := func(list []any, limit int) []any {
		var outList []any
		for c := range copies {
			for _, e := range list {
				if limit > 0 && len(outList) == limit {
					return outList
				}
				outList = append(outList, rename(deepCopy(e), addrs, fmt.Sprintf("_c%d", c)))
			}
		}
		return outList
	}
	p["resource_changes"] = sortByAddress(replicate(rcs, n))
	if pv, ok := p["planned_values"].(map[string]any); ok {
		if rm, ok := pv["root_module"].(map[string]any); ok {
			if rs, ok := rm["resources"].([]any); ok {
				rm["resources"] = sortByAddress(replicate(rs, 0))
			}
		}
	}
	if cfg, ok := p["configuration"].(map[string]any); ok {
		if rm, ok := cfg["root_module"].(map[string]any); ok {
			if rs, ok := rm["resources"].([]any); ok {
				rm["resources"] = replicate(rs, 0)
			}
		}
	}
	if ra, ok := p["relevant_attributes"].([]any); ok {
		p["relevant_attributes"] = replicate(ra, 0)
	}
	ob, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return write(out, string(ob)+"\n")
}

// sortByAddress sorts entries by their "address", as Terraform does.
func sortByAddress(list []any) []any {
	sort.SliceStable(list, func(i, j int) bool {
		a, _ := list[i].(map[string]any)["address"].(string)
		b, _ := list[j].(map[string]any)["address"].(string)
		return a < b
	})
	return list
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// rename renames, in v, every address (and reference into) one of addrs by
// appending suffix to the resource name, and the "name" of an entry whose
// "address" it renamed.
func rename(v any, addrs []string, suffix string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = rename(x, addrs, suffix)
		}
		if a, ok := t["address"].(string); ok && strings.HasSuffix(a, suffix) {
			if name, ok := t["name"].(string); ok {
				t["name"] = name + suffix
			}
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = rename(x, addrs, suffix)
		}
		return t
	case string:
		for _, a := range addrs {
			if t == a || strings.HasPrefix(t, a+".") || strings.HasPrefix(t, a+"[") {
				return a + suffix + t[len(a):]
			}
		}
	}
	return v
}
