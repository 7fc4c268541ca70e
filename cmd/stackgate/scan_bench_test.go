package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCorpus writes files templates of perFile resources each, shaped like
// real stacks (parameters, conditions, intrinsics, tags), half compliant.
func writeCorpus(tb testing.TB, dir string, files, perFile int) {
	tb.Helper()
	for f := 0; f < files; f++ {
		var b strings.Builder
		b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env:\n    Type: String\n    Default: dev\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n")
		for i := 0; i < perFile/4; i++ {
			alg := "aws:kms"
			if i%2 == 1 {
				alg = "AES256"
			}
			fmt.Fprintf(&b, `  Key%[1]d:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy: {Version: "2012-10-17"}
  Bucket%[1]d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "data-${Env}-%[1]d"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: %[2]s
              KMSMasterKeyID: !GetAtt Key%[1]d.Arn
      VersioningConfiguration:
        Status: !If [IsProd, Enabled, Suspended]
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: "true"
      Tags:
        - Key: data-classification
          Value: internal
  Sg%[1]d:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: "22", ToPort: "22", CidrIp: 10.0.0.0/8}
  Lt%[1]d:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: {HttpTokens: required}
`, i, alg)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("stack-%03d.yaml", f)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkScan measures a whole `stackgate scan` of 100 templates of 40
// resources (rule compilation, discovery, parsing, evaluation, JSON report),
// with the default parallelism and, as the in-run baseline, with one job.
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	const files, perFile = 100, 40
	writeCorpus(b, dir, files, perFile)
	for _, jobs := range []string{"0", "1"} {
		b.Run("jobs="+jobs, func(b *testing.B) {
			for b.Loop() {
				code := run([]string{"scan", "--format", "json", "--jobs", jobs, dir}, strings.NewReader(""), io.Discard, io.Discard)
				if code != 1 {
					b.Fatalf("exit %d, want 1 (the corpus has blocking findings)", code)
				}
			}
			b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			b.ReportMetric(float64(files*perFile)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
		})
	}
}
