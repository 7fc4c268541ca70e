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
      value = "internal"
    },
  ]
}

# AWSCC takes a launch template's own tags the CloudFormation way: the
# tag_specifications entry of resource type launch-template.
resource "awscc_ec2_launch_template" "workers" {
  launch_template_name = "acme-workers"
  launch_template_data = {
    image_id      = "ami-0abcdef1234567890"
    instance_type = "t3.micro"
  }
  tag_specifications = [
    {
      resource_type = "instance"
      tags = [
        {
          key   = "Name"
          value = "worker"
        },
      ]
    },
    {
      resource_type = "launch-template"
      tags = [
        {
          key   = "owner"
          value = "analytics"
        },
        {
          key   = "data-classification"
          value = "confidential"
        },
      ]
    },
  ]
}
