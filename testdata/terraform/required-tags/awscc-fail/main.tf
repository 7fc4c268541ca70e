provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_s3_bucket" "reports" {
  bucket_name = "acme-reports"
  tags = [
    {
      key   = "owner"
      value = "analytics"
    },
    {
      key   = "data-classification"
      value = "secret" # expect: required-tags awscc_s3_bucket.reports
    },
  ]
}

resource "awscc_kms_key" "reports" {
  description         = "Encrypts the reports bucket"
  enable_key_rotation = true
  tags = [
    {
      key   = "owner"
      value = "" # expect: required-tags awscc_kms_key.reports
    },
    {
      key   = "data-classification"
      value = "public"
    },
  ]
}

resource "awscc_ec2_launch_template" "workers" {
  launch_template_name = "acme-workers"
  launch_template_data = {
    image_id = "ami-0abcdef1234567890"
  }
  tag_specifications = [
    {
      resource_type = "launch-template"
      tags = [
        {
          key   = "owner"
          value = "analytics"
        },
        {
          key   = "data-classification"
          value = "top-secret" # expect: required-tags awscc_ec2_launch_template.workers
        },
      ]
    },
  ]
}

# Only the instances are tagged: the template itself has no tags, so both
# required tags are missing (reported at tag_specifications).
resource "awscc_ec2_launch_template" "batch" {
  launch_template_name = "acme-batch"
  launch_template_data = {
    image_id = "ami-0abcdef1234567890"
  }
  tag_specifications = [ # expect: required-tags awscc_ec2_launch_template.batch; required-tags awscc_ec2_launch_template.batch
    {
      resource_type = "instance"
      tags = [
        {
          key   = "owner"
          value = "analytics"
        },
      ]
    },
  ]
}
