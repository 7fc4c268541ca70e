# METADATA
# title: Security groups allow no public ingress except on allowed ports
# description: |
#   No security group ingress rule admits traffic from anywhere (CidrIp
#   0.0.0.0/0 or CidrIpv6 ::/0) except to ports listed in the allowed_ports
#   parameter (80 and 443 by default, for public load balancers and web
#   servers). SSH, RDP and database ports open to the internet are the most
#   exploited cloud misconfiguration. Checked on the SecurityGroupIngress
#   entries of AWS::EC2::SecurityGroup and on standalone
#   AWS::EC2::SecurityGroupIngress resources (a Terraform
#   aws_security_group_rule, aws_vpc_security_group_ingress_rule or
#   awscc_ec2_security_group_ingress is one, with its own address; a
#   Terraform rule with several CIDR blocks has them as a list, CidrIp[1]).
#   A rule for all protocols
#   (IpProtocol -1), for a protocol other than TCP and UDP (ICMP has no
#   ports that could be allowed), or without a port range opens every port
#   and fails.
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
# custom:
#   id: sg-no-public-ingress
#   severity: high
#   resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"]
#   layers: [editor, ci, deployment]
#   default_enabled: true
#   remediation:
#     cloudformation: Restrict CidrIp/CidrIpv6 of the ingress rule to a known network (or use SourceSecurityGroupId / SourcePrefixListId), or limit it to an allowed port.
#     terraform: Restrict cidr_blocks / cidr_ipv4 of the ingress rule to a known network (or reference a security group or prefix list), or limit from_port/to_port to an allowed port.
#   parameters:
#     $schema: https://json-schema.org/draft/2020-12/schema
#     type: object
#     additionalProperties: false
#     properties:
#       allowed_ports:
#         description: TCP and UDP ports that may be open to 0.0.0.0/0 and ::/0.
#         type: array
#         items:
#           type: integer
#           minimum: 0
#           maximum: 65535
#         uniqueItems: true
#         default: [80, 443]
package stackgate.rules.sg_no_public_ingress

import data.stackgate.lib

id := "sg-no-public-ingress"

allowed_ports := {p | some p in lib.param(id, "allowed_ports", [80, 443])}

anywhere := {"CidrIp": "0.0.0.0/0", "CidrIpv6": "::/0"}

# entries[[r, base]] is every ingress rule: base is the path of its
# properties ("" for a standalone AWS::EC2::SecurityGroupIngress).
entries contains [r, sprintf("SecurityGroupIngress[%d]", [i])] if {
	some r in lib.resources("AWS::EC2::SecurityGroup")
	some i, _ in object.get(r.properties, "SecurityGroupIngress", [])
}

entries contains [r, ""] if {
	some r in lib.resources("AWS::EC2::SecurityGroupIngress")
}

deny contains f if {
	some r in lib.resources("AWS::EC2::SecurityGroup")
	lib.unknown(r, "SecurityGroupIngress")
	f := lib.undecided(r, "SecurityGroupIngress", sprintf("The ingress rules of security group %s are not known statically, so they cannot be checked for public access here.", [r.address]))
}

deny contains f if {
	some [r, base] in entries
	base != ""
	lib.unknown(r, base)
	f := lib.undecided(r, base, sprintf("Ingress rule %s of security group %s is not known statically, so it cannot be checked for public access here.", [base, r.address]))
}

# sources[[r, base, key, path]] is every source range of an ingress rule
# that can be open to anywhere: key is CidrIp or CidrIpv6, path where its
# value is. A CloudFormation rule has one string; a Terraform
# aws_security_group_rule with several cidr_blocks has a list, one path
# per element (CidrIp[1]).
sources contains [r, base, key, path] if {
	some [r, base] in entries
	not entry_unknown(r, base)
	some key, _ in anywhere
	path := join(base, key)
	not is_array(lib.value(r, path))
}

sources contains [r, base, key, sprintf("%s[%d]", [p, i])] if {
	some [r, base] in entries
	not entry_unknown(r, base)
	some key, _ in anywhere
	p := join(base, key)
	not lib.unknown(r, p)
	some i, _ in lib.value(r, p)
}

# A source range yields at most one finding: it is open to anywhere on a
# port that is not allowed (fail) or on unknown ports (unknown), or it is
# itself unknown and the ports are not all allowed (unknown). One deny
# body asks source_finding once per source, rather than three bodies each
# asking every source the same questions again.
deny contains f if {
	some [r, base, key, path] in sources
	f := source_finding(r, base, key, path)
}

source_finding(r, base, key, path) := f if {
	not lib.unknown(r, path)
	cidr := anywhere[key]
	lib.value(r, path) == cidr
	f := open_finding(r, base, path, cidr, ports_verdict(r, base))
} else := lib.undecided(r, path, sprintf("%s has a source range that is not known statically, so it cannot be checked for public access here.", [subject(r, base)])) if {
	lib.unknown(r, path)
	ports_verdict(r, base) != "allowed"
}

open_finding(r, base, path, cidr, "open") := lib.fail(r, path, sprintf("%s allows ingress from %s to %s; only ports %v may be open to the internet.", [subject(r, base), cidr, describe_ports(r, base), sort(allowed_ports)]))

open_finding(r, base, path, cidr, "unknown") := lib.undecided(r, path, sprintf("%s allows ingress from %s, but its protocol or ports are not known statically, so they cannot be checked against the allowed ports here.", [subject(r, base), cidr]))

entry_unknown(r, base) if {
	base != ""
	lib.unknown(r, base)
}

join("", key) := key

join(base, key) := concat(".", [base, key]) if base != ""

subject(r, "") := sprintf("Security group ingress %s", [r.address])

subject(r, base) := sprintf("Ingress rule %s of security group %s", [base, r.address]) if base != ""

protocol(r, base) := lower(sprintf("%v", [lib.value(r, join(base, "IpProtocol"))]))

port_protocols := {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp"}

# ports_verdict(r, base) is "allowed" when the rule opens only allowed
# ports, "open" when it opens any other port, "unknown" when the protocol
# or a port is unknown.
ports_verdict(r, base) := "unknown" if {
	some key in ["IpProtocol", "FromPort", "ToPort"]
	lib.unknown(r, join(base, key))
} else := "allowed" if {
	port_protocols[protocol(r, base)]
	[from, to] := port_range(r, base)
	count({p | some p in allowed_ports; p >= from; p <= to}) == (to - from) + 1
} else := "open"

# port_range(r, base) is the [from, to] range of a TCP or UDP rule that
# names one; a missing or -1 port means every port.
port_range(r, base) := [from, to] if {
	from := lib.value(r, join(base, "FromPort"))
	to := lib.value(r, join(base, "ToPort"))
	is_number(from)
	is_number(to)
	from >= 0
	to >= from
} else := [0, 65535]

describe_ports(r, base) := "all ports" if {
	protocol(r, base) in {"-1", "all", "null"}
} else := sprintf("protocol %s, which allowed_ports cannot allow", [protocol(r, base)]) if {
	not port_protocols[protocol(r, base)]
} else := sprintf("%s port %d", [port_protocols[protocol(r, base)], from]) if {
	[from, to] := port_range(r, base)
	from == to
} else := sprintf("%s ports %d-%d", [port_protocols[protocol(r, base)], from, to]) if {
	[from, to] := port_range(r, base)
}
