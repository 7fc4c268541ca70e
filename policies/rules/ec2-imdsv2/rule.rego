# METADATA
# title: EC2 instances and launch templates require IMDSv2
# description: |
#   Instances answer instance metadata requests only with a session token
#   (IMDSv2, HttpTokens required), which defeats the SSRF and open proxy
#   attacks that steal instance role credentials through IMDSv1. Checked on
#   AWS::EC2::LaunchTemplate (LaunchTemplateData.MetadataOptions),
#   AWS::AutoScaling::LaunchConfiguration and AWS::EC2::Instance
#   (MetadataOptions). An instance without its own MetadataOptions passes
#   when it launches from a launch template in the same template or module
#   that requires tokens. Disabling the metadata endpoint (HttpEndpoint
#   disabled) also passes.
# related_resources:
#   - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
# custom:
#   id: ec2-imdsv2
#   severity: high
#   resource_types: ["AWS::EC2::LaunchTemplate", "AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration"]
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Set MetadataOptions.HttpTokens to required in the launch template's LaunchTemplateData (or on the instance itself).
#     terraform: Add metadata_options { http_tokens = "required" } to the aws_launch_template or aws_instance.
package stackgate.rules.ec2_imdsv2

import data.stackgate.lib

template_options := "LaunchTemplateData.MetadataOptions"

deny contains f if {
	some r in lib.resources("AWS::EC2::LaunchTemplate")
	imds(r, template_options) == "fail"
	f := lib.fail(r, tokens(template_options), sprintf("Launch template %s does not require IMDSv2: %s.", [r.address, why(r, template_options)]))
}

deny contains f if {
	some r in lib.resources("AWS::AutoScaling::LaunchConfiguration")
	imds(r, "MetadataOptions") == "fail"
	f := lib.fail(r, "MetadataOptions.HttpTokens", sprintf("Launch configuration %s does not require IMDSv2: %s.", [r.address, why(r, "MetadataOptions")]))
}

deny contains f if {
	some r in array.concat(lib.resources("AWS::EC2::LaunchTemplate"), lib.resources("AWS::AutoScaling::LaunchConfiguration"))
	base := options_path(r)
	imds(r, base) == "unknown"
	f := lib.undecided(r, tokens(base), sprintf("The instance metadata options of %s are not known statically, so IMDSv2 cannot be checked here.", [r.address]))
}

# An instance that sets its own metadata options is decided on them: they
# override the launch template's.
deny contains f if {
	some r in lib.resources("AWS::EC2::Instance")
	f := instance_finding(r)
}

# instance_finding(r) is the finding on an instance, if any (there is at
# most one): on its own metadata options when it sets them, else on its
# launch template, else on a launch template that is not known statically,
# else on launching from no launch template. One deny body asks it once per
# instance, rather than six bodies each going over every instance.
instance_finding(r) := f if {
	own_options(r)
	f := own_options_finding(r, imds(r, "MetadataOptions"))
} else := f if {
	not own_options(r)
	path := launch_template_path(r)
	f := template_finding(r, path, template_verdict(r, path))
} else := f if {
	not own_options(r)
	path := instance_unknown_path(r)
	f := lib.undecided(r, path, sprintf("The launch template of instance %s is not known statically, so IMDSv2 cannot be checked here.", [r.address]))
} else := f if {
	not own_options(r)
	not launch_template_path(r)
	not lib.unknown_within(r, "LaunchTemplate")
	f := lib.fail(r, "MetadataOptions.HttpTokens", sprintf("Instance %s does not require IMDSv2: it sets no MetadataOptions and launches from no launch template. Set MetadataOptions.HttpTokens to required, or launch it from a launch template in this template that requires tokens.", [r.address]))
}

own_options_finding(r, "fail") := lib.fail(r, "MetadataOptions.HttpTokens", sprintf("Instance %s does not require IMDSv2: %s.", [r.address, why(r, "MetadataOptions")]))

own_options_finding(r, "unknown") := lib.undecided(r, "MetadataOptions.HttpTokens", sprintf("The instance metadata options of instance %s are not known statically, so IMDSv2 cannot be checked here.", [r.address]))

template_finding(r, path, verdict) := lib.fail(r, path, sprintf("Instance %s does not require IMDSv2: %s. Set MetadataOptions.HttpTokens to required on the instance or in the launch template.", [r.address, verdict.why])) if {
	verdict.status == "fail"
}

template_finding(r, path, verdict) := lib.undecided(r, path, sprintf("Instance %s launches from a launch template whose metadata options are not known statically, so IMDSv2 cannot be checked here.", [r.address])) if {
	verdict.status == "unknown"
}

options_path(r) := template_options if r.type == "AWS::EC2::LaunchTemplate"

options_path(r) := "MetadataOptions" if r.type != "AWS::EC2::LaunchTemplate"

tokens(base) := concat(".", [base, "HttpTokens"])

endpoint(base) := concat(".", [base, "HttpEndpoint"])

# imds(r, base) is "ok", "fail" or "unknown" for the metadata options
# object at base: tokens required or the endpoint disabled passes.
imds(r, base) := "ok" if {
	not lib.unknown(r, endpoint(base))
	lib.value(r, endpoint(base)) == "disabled"
} else := "ok" if {
	not lib.unknown(r, tokens(base))
	lib.value(r, tokens(base)) == "required"
} else := "unknown" if {
	lib.unknown(r, tokens(base))
} else := "unknown" if {
	lib.unknown(r, endpoint(base))
} else := "fail"

why(r, base) := "HttpTokens is optional" if {
	lib.value(r, tokens(base)) == "optional"
} else := "HttpTokens is not set, and the default allows IMDSv1" if {
	lib.value(r, tokens(base)) == null
} else := "HttpTokens is not required"

# own_options(r): the instance sets (or may set) HttpTokens or HttpEndpoint.
# It is false, not undefined, otherwise: every deny body about instances
# asks, and OPA remembers a function's value for the same arguments, but
# not that it was undefined.
own_options(r) := true if {
	lib.value(r, "MetadataOptions.HttpTokens") != null
} else := true if {
	lib.value(r, "MetadataOptions.HttpEndpoint") != null
} else := true if {
	lib.unknown(r, "MetadataOptions.HttpTokens")
} else := true if {
	lib.unknown(r, "MetadataOptions.HttpEndpoint")
} else := false

# launch_template_path(r) is the path of the instance's launch template id
# or name, when it has one that is set or is a reference. (Worked out once
# per instance by _launch_template_path, "" for none; see own_options.)
launch_template_path(r) := path if {
	path := _launch_template_path(r)
	path != ""
}

_launch_template_path(r) := "LaunchTemplate.LaunchTemplateId" if {
	set_or_referenced(r, "LaunchTemplate.LaunchTemplateId")
} else := "LaunchTemplate.LaunchTemplateName" if {
	set_or_referenced(r, "LaunchTemplate.LaunchTemplateName")
} else := ""

set_or_referenced(r, path) if lib.value(r, path) != null

set_or_referenced(r, path) if lib.reference(r, path)

# instance_unknown_path(r) is the path of the instance's unknown launch
# template, when the instance has no known one.
instance_unknown_path(r) := "LaunchTemplate" if {
	not launch_template_path(r)
	lib.unknown(r, "LaunchTemplate")
} else := "LaunchTemplate.LaunchTemplateId" if {
	not launch_template_path(r)
	lib.unknown(r, "LaunchTemplate.LaunchTemplateId")
} else := "LaunchTemplate.LaunchTemplateName" if {
	not launch_template_path(r)
	lib.unknown(r, "LaunchTemplate.LaunchTemplateName")
}

# template_verdict(r, path) decides an instance on the launch template its
# LaunchTemplate id or name refers to. A template outside this document
# cannot be checked, so it fails with a message that says how to fix it.
template_verdict(r, path) := {"status": status, "why": why_template(lt, status)} if {
	ref := lib.reference(r, path)
	ref.type == "AWS::EC2::LaunchTemplate"
	some lt in lib.targets(ref)
	lt.type == "AWS::EC2::LaunchTemplate"
	status := imds(lt, template_options)
} else := {"status": "fail", "why": "its launch template is not defined in this template, so it cannot be shown to require tokens"} if {
	not lib.unknown(r, path)
}

why_template(lt, "fail") := sprintf("its launch template %s does not require tokens (%s)", [lt.address, why(lt, template_options)])

why_template(_, status) := "" if status != "fail"
