package stackgate.rules.sg_no_public_ingress_test

import data.stackgate.rules.sg_no_public_ingress as rule

group(ingress, unknown) := {"address": "WebSecurityGroup", "type": "AWS::EC2::SecurityGroup", "properties": {"GroupDescription": "web", "SecurityGroupIngress": ingress}, "unknown_paths": unknown, "references": {}}

tcp(cidr, from, to) := {"IpProtocol": "tcp", "CidrIp": cidr, "FromPort": from, "ToPort": to}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_https_from_anywhere_passes if {
	count(rule.deny) == 0 with input as {"resources": [group([tcp("0.0.0.0/0", 443, 443), tcp("0.0.0.0/0", 80, 80)], [])]}
}

test_ssh_from_private_network_passes if {
	count(rule.deny) == 0 with input as {"resources": [group([tcp("10.0.0.0/8", 22, 22)], [])]}
}

test_ssh_from_anywhere_fails_at_cidr if {
	f := only(rule.deny) with input as {"resources": [group([tcp("0.0.0.0/0", 443, 443), tcp("0.0.0.0/0", 22, 22)], [])]}
	f.status == "fail"
	f.path == "SecurityGroupIngress[1].CidrIp"
	f.message == "Ingress rule SecurityGroupIngress[1] of security group WebSecurityGroup allows ingress from 0.0.0.0/0 to tcp port 22; only ports [80, 443] may be open to the internet."
}

test_ipv6_anywhere_fails if {
	f := only(rule.deny) with input as {"resources": [group([{"IpProtocol": "tcp", "CidrIpv6": "::/0", "FromPort": 3389, "ToPort": 3389}], [])]}
	f.path == "SecurityGroupIngress[0].CidrIpv6"
	f.status == "fail"
}

test_range_partly_outside_allowed_fails if {
	f := only(rule.deny) with input as {"resources": [group([tcp("0.0.0.0/0", 80, 443)], [])]}
	contains(f.message, "tcp ports 80-443")
}

test_all_protocols_fails if {
	f := only(rule.deny) with input as {"resources": [group([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}], [])]}
	contains(f.message, "all ports")
}

test_all_protocols_fails_even_with_allowed_port_numbers if {
	f := only(rule.deny) with input as {"resources": [group([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443}], [])]}
	f.status == "fail"
}

test_icmp_fails if {
	f := only(rule.deny) with input as {"resources": [group([{"IpProtocol": "icmp", "CidrIp": "0.0.0.0/0", "FromPort": 8, "ToPort": -1}], [])]}
	contains(f.message, "protocol icmp")
}

test_missing_ports_mean_all_ports if {
	f := only(rule.deny) with input as {"resources": [group([{"IpProtocol": "tcp", "CidrIp": "0.0.0.0/0"}], [])]}
	contains(f.message, "tcp ports 0-65535")
}

test_allowed_ports_parameter if {
	env := {"rules": {"sg-no-public-ingress": {"allowed_ports": [22]}}}
	fs := rule.deny with input as {"environment": env, "resources": [group([tcp("0.0.0.0/0", 22, 22), tcp("0.0.0.0/0", 443, 443)], [])]}
	f := only(fs)
	f.path == "SecurityGroupIngress[1].CidrIp"
}

test_standalone_ingress_fails_at_cidr if {
	r := {"address": "SshIngress", "type": "AWS::EC2::SecurityGroupIngress", "properties": object.union(tcp("0.0.0.0/0", 22, 22), {"GroupId": "${WebSecurityGroup.GroupId}"}), "unknown_paths": [], "references": {}}
	f := only(rule.deny) with input as {"resources": [r]}
	f.path == "CidrIp"
	startswith(f.message, "Security group ingress SshIngress allows")
}

test_unknown_cidr_is_undecided if {
	fs := rule.deny with input as {"resources": [group([tcp(null, 22, 22)], [{"path": "SecurityGroupIngress[0].CidrIp", "reason": "parameter AdminCidr has no value"}])]}
	f := only(fs)
	f.status == "unknown"
	f.path == "SecurityGroupIngress[0].CidrIp"
}

test_unknown_cidr_on_allowed_port_passes if {
	count(rule.deny) == 0 with input as {"resources": [group([tcp(null, 443, 443)], [{"path": "SecurityGroupIngress[0].CidrIp", "reason": "parameter ClientCidr has no value"}])]}
}

test_unknown_port_is_undecided if {
	f := only(rule.deny) with input as {"resources": [group([tcp("0.0.0.0/0", null, null)], [{"path": "SecurityGroupIngress[0].FromPort", "reason": "parameter Port has no value"}, {"path": "SecurityGroupIngress[0].ToPort", "reason": "parameter Port has no value"}])]}
	f.status == "unknown"
	f.path == "SecurityGroupIngress[0].CidrIp"
}

test_unknown_entry_is_one_undecided if {
	f := only(rule.deny) with input as {"resources": [group([null], [{"path": "SecurityGroupIngress[0]", "reason": "condition AllowSsh depends on parameter Env"}])]}
	f.status == "unknown"
	f.path == "SecurityGroupIngress[0]"
}

test_unknown_ingress_list_is_undecided if {
	r := {"address": "WebSecurityGroup", "type": "AWS::EC2::SecurityGroup", "properties": {"SecurityGroupIngress": null}, "unknown_paths": [{"path": "SecurityGroupIngress", "reason": "parameter Rules has no value"}], "references": {}}
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "unknown"
}

# A Terraform aws_security_group_rule is a standalone ingress with the
# address the user wrote; several cidr_blocks are a list.
tf_rule(props, unknown) := {"address": "aws_security_group_rule.ssh", "type": "AWS::EC2::SecurityGroupIngress", "source_type": "aws_security_group_rule", "properties": object.union({"GroupId": "${aws_security_group.web.id}", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}, props), "unknown_paths": unknown, "references": {"GroupId": {"address": "aws_security_group.web", "type": "AWS::EC2::SecurityGroup", "attribute": "id"}}}

test_terraform_rule_with_several_cidrs_fails_at_the_open_one if {
	f := only(rule.deny) with input as {"resources": [tf_rule({"CidrIp": ["10.0.0.0/8", "0.0.0.0/0"], "CidrIpv6": "2001:db8::/32"}, [])]}
	f.status == "fail"
	f.resource == "aws_security_group_rule.ssh"
	f.path == "CidrIp[1]"
	f.message == "Security group ingress aws_security_group_rule.ssh allows ingress from 0.0.0.0/0 to tcp port 22; only ports [80, 443] may be open to the internet."
}

test_terraform_rule_ipv6_anywhere_fails if {
	fs := rule.deny with input as {"resources": [tf_rule({"CidrIpv6": ["2001:db8::/32", "::/0"], "CidrIp": "0.0.0.0/0"}, [])]}
	{f.path | some f in fs; f.status == "fail"} == {"CidrIp", "CidrIpv6[1]"}
}

test_terraform_rule_with_private_cidrs_passes if {
	count(rule.deny) == 0 with input as {"resources": [tf_rule({"CidrIp": ["10.0.0.0/8", "192.168.0.0/16"]}, [])]}
}

test_terraform_rule_unknown_cidr_element_is_undecided if {
	f := only(rule.deny) with input as {"resources": [tf_rule({"CidrIp": ["10.0.0.0/8", null]}, [{"path": "CidrIp[1]", "reason": "var.office_cidr has no value"}])]}
	f.status == "unknown"
	f.path == "CidrIp[1]"
}

test_terraform_rule_unknown_cidr_list_is_undecided if {
	f := only(rule.deny) with input as {"resources": [tf_rule({"CidrIp": null}, [{"path": "CidrIp", "reason": "var.cidrs has no value"}])]}
	f.status == "unknown"
	f.path == "CidrIp"
}

# A value unknown outside SecurityGroupIngress (VpcId) leaves the ingress
# rules known: they are judged on their values (with or without the
# engine's unknown_index).
test_unknown_outside_ingress_still_fails if {
	g := group([tcp("0.0.0.0/0", 443, 443), tcp("0.0.0.0/0", 22, 22)], [{"path": "VpcId", "reason": "known after apply"}])
	f := only(rule.deny) with input as {"resources": [g]}
	f.status == "fail"
	f.path == "SecurityGroupIngress[1].CidrIp"
	indexed := object.union(g, {"unknown_index": {"prefixes": ["VpcId.", "VpcId["], "within": {"": true, "VpcId": true}}})
	f2 := only(rule.deny) with input as {"resources": [indexed]}
	f2 == f
}

# A value unknown in one ingress rule does not hide another rule's failure.
test_unknown_in_one_rule_other_rule_fails if {
	g := group([tcp(null, 22, 22), tcp("0.0.0.0/0", 3389, 3389)], [{"path": "SecurityGroupIngress[0].CidrIp", "reason": "parameter AdminCidr has no value"}])
	fs := rule.deny with input as {"resources": [g]}
	{[f.path, f.status] | some f in fs} == {["SecurityGroupIngress[0].CidrIp", "unknown"], ["SecurityGroupIngress[1].CidrIp", "fail"]}
}

test_open_on_allowed_port_with_unknown_elsewhere_passes if {
	count(rule.deny) == 0 with input as {"resources": [group([tcp("0.0.0.0/0", 443, 443)], [{"path": "VpcId", "reason": "known after apply"}])]}
}

test_both_source_ranges_open_fail_each if {
	e := {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "CidrIpv6": "::/0"}
	fs := rule.deny with input as {"resources": [group([e], [])]}
	{f.path | some f in fs; f.status == "fail"} == {"SecurityGroupIngress[0].CidrIp", "SecurityGroupIngress[0].CidrIpv6"}
}

test_ipv6_list_in_security_group_fails_at_the_open_one if {
	e := {"IpProtocol": "tcp", "CidrIpv6": ["2001:db8::/32", "::/0"], "FromPort": 22, "ToPort": 22}
	f := only(rule.deny) with input as {"resources": [group([e], [])]}
	f.path == "SecurityGroupIngress[0].CidrIpv6[1]"
	f.status == "fail"
}

test_numeric_protocol_6_is_tcp if {
	e := {"IpProtocol": 6, "CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443}
	count(rule.deny) == 0 with input as {"resources": [group([e], [])]}
}

# Each failing rule's message shows its own ports, also when another rule
# is equal to it but for how a number is written.
test_messages_show_each_rules_own_ports if {
	# (Literal resources: the test helpers' results are cached by argument too.)
	a := {"address": "A", "type": "AWS::EC2::SecurityGroup", "properties": {"SecurityGroupIngress": [{"IpProtocol": "tcp", "CidrIp": "0.0.0.0/0", "FromPort": 22.0, "ToPort": 22.0}]}, "unknown_paths": []}
	b := {"address": "B", "type": "AWS::EC2::SecurityGroup", "properties": {"SecurityGroupIngress": [{"IpProtocol": "tcp", "CidrIp": "0.0.0.0/0", "FromPort": 22, "ToPort": 22}]}, "unknown_paths": []}
	fs := rule.deny with input as {"resources": [a, b]}
	some f in fs
	f.resource == "B"
	f.message == "Ingress rule SecurityGroupIngress[0] of security group B allows ingress from 0.0.0.0/0 to tcp port 22; only ports [80, 443] may be open to the internet."
}

test_standalone_with_unknown_group_id_fails if {
	r := tf_rule({"CidrIp": ["0.0.0.0/0"]}, [{"path": "GroupId", "reason": "aws_security_group.web.id is known after apply"}])
	f := only(rule.deny) with input as {"resources": [r]}
	f.status == "fail"
	f.path == "CidrIp[0]"
}
