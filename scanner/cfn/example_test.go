package cfn_test

import (
	"fmt"

	"github.com/stackgate/stackgate/scanner/cfn"
)

func ExampleLoad() {
	src := []byte(`
Parameters:
  KmsKeyArn: {Type: String}
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: "true"
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt Key.Arn
      Tags:
        - {Key: key, Value: !Ref KmsKeyArn}
`)
	tpl, err := cfn.Load("template.yaml", src, cfn.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	key, bucket := tpl.Resources[0], tpl.Resources[1]
	fmt.Println(key.Properties["EnableKeyRotation"])
	p := "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID"
	fmt.Println(bucket.References[p].Address, bucket.References[p].Type, bucket.Origin.AllPaths()[p].Start.Line)
	fmt.Println(bucket.UnknownPaths[0].Path+":", bucket.UnknownPaths[0].Reason)
	// Output:
	// true
	// Key AWS::KMS::Key 16
	// Tags[0].Value: parameter KmsKeyArn has no value and no Default
}
