provider "awscc" {
  region = "eu-west-1"
}

resource "awscc_ec2_launch_template" "web" {
  launch_template_name = "web"
  launch_template_data = {
    image_id      = "ami-0abcdef1234567890"
    instance_type = "t3.small"
    metadata_options = {
      http_tokens = "optional" # expect: ec2-imdsv2 awscc_ec2_launch_template.web
    }
  }
}
