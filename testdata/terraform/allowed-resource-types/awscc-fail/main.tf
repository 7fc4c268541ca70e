provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "data" {
  bucket_name = "acme-data"
}

resource "awscc_ec2_security_group" "etl" { # expect: allowed-resource-types awscc_ec2_security_group.etl
  group_description = "ETL workers"
}

resource "awscc_ec2_launch_template" "etl" { # expect: allowed-resource-types awscc_ec2_launch_template.etl
  launch_template_data = {
    instance_type = "t3.large"
    metadata_options = {
      http_tokens = "required"
    }
  }
}
