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

# An ingress rule is judged on its object, entry: an element of the
# SecurityGroupIngress list of an AWS::EC2::SecurityGroup (its properties
# at base, SecurityGroupIngress[i]), or the properties of a standalone
# AWS::EC2::SecurityGroupIngress (base ""). Its values are read from entry,
# not by path (lib.value splits a path with a regex), and a path string is
# built only for a finding or for a lib.unknown question.
#
# Most ingress rules are fully known and not open to anywhere: a security
# group whose SecurityGroupIngress is a list with no unknown value at, in or
# above it (known_list), or a standalone rule with no unknown value at all,
# can ask lib.unknown nothing that is true, so its rules fail exactly when a
# source range is 0.0.0.0/0 or ::/0 and the ports are not all allowed. Those
# take the known path below: two lookups dismiss a rule that is not open.
# The others take the careful path, which asks every unknown() question.

deny contains f if {
	some r in lib.resources("AWS::EC2::SecurityGroup")
	lib.unknown(r, "SecurityGroupIngress")
	f := lib.undecided(r, "SecurityGroupIngress", sprintf("The ingress rules of security group %s are not known statically, so they cannot be checked for public access here.", [r.address]))
}

# Known path. suspect(entry) is true when a source range of the rule is
# 0.0.0.0/0 or ::/0, or a list (or map) of source ranges (a Terraform rule
# with several CIDR blocks, CidrIp[1]); only then is there more to ask.
deny contains f if {
	some r in lib.resources("AWS::EC2::SecurityGroup")
	ingress := object.get(r.properties, "SecurityGroupIngress", [])
	known_list(r, ingress)
	some i, entry in ingress
	suspect(entry)
	some f in known_findings(r, i, entry)
}

deny contains f if {
	some r in lib.resources("AWS::EC2::SecurityGroupIngress")
	not lib.unknown_within(r, "")
	suspect(r.properties)
	some f in known_findings(r, null, r.properties)
}

# known_list(r, ingress) is true when the security group's ingress rules are
# a list and no value at, in or above SecurityGroupIngress is unknown: then
# lib.unknown is false for every path the rule asks about.
known_list(r, ingress) if {
	is_array(ingress)
	not lib.unknown_within(r, "SecurityGroupIngress")
}

# (The keys and values of anywhere, spelled out: one lookup each.)
suspect(entry) if entry.CidrIp == "0.0.0.0/0"

suspect(entry) if entry.CidrIpv6 == "::/0"

suspect(entry) if collections[type_name(entry.CidrIp)]

suspect(entry) if collections[type_name(entry.CidrIpv6)]

collections := {"array", "object"}

# known_findings(r, i, entry) is the findings of a known ingress rule: i is
# its index in SecurityGroupIngress, null for a standalone rule. A source
# range open to anywhere fails unless the rule opens only allowed ports.
known_findings(r, i, entry) := {lib.fail(r, path, fail_message(r, base, entry, cidr)) |
	some key, cidr in anywhere
	some path in open_paths(r, base, key, cidr, entry[key])
} if {
	verdict(entry) == "open"
	base := base_of(i)
}

base_of(null) := ""

base_of(i) := sprintf("SecurityGroupIngress[%d]", [i]) if i != null

# open_paths(r, base, key, cidr, v) is the paths of the source ranges at
# key in the rule at base that are cidr: the value v itself, or members of
# a list (or map).
open_paths(r, base, key, cidr, v) := [join(base, key)] if {
	v == cidr
} else := [sprintf("%s[%d]", [join(base, key), j]) | some j, x in v; x == cidr] if {
	is_array(v)
} else := [path | some [path, x] in members(r, join(base, key), v); x == cidr] if {
	is_object(v)
}

# Careful path: every other ingress rule, [r, base, entry].
careful contains [r, base, listed(r, ingress, base, e)] if {
	some r in lib.resources("AWS::EC2::SecurityGroup")
	ingress := object.get(r.properties, "SecurityGroupIngress", [])
	not known_list(r, ingress)
	some i, e in ingress
	base := sprintf("SecurityGroupIngress[%d]", [i])
}

careful contains [r, "", r.properties] if {
	some r in lib.resources("AWS::EC2::SecurityGroupIngress")
	lib.unknown_within(r, "")
	is_object(r.properties)
}

# listed(r, ingress, base, e) is the ingress rule e of the list; when
# SecurityGroupIngress is not a list, the value its path names.
listed(r, ingress, base, e) := e if {
	is_array(ingress)
} else := lib.value(r, base)

deny contains f if {
	some [r, base, _] in careful
	base != ""
	lib.unknown(r, base)
	f := lib.undecided(r, base, sprintf("Ingress rule %s of security group %s is not known statically, so it cannot be checked for public access here.", [base, r.address]))
}

# A source range yields at most one finding: it is open to anywhere on a
# port that is not allowed (fail) or on unknown ports (unknown), or it is
# itself unknown and the ports are not all allowed (unknown). A rule with
# several CIDR blocks has them as a list, one source per element
# (CidrIp[1]).
deny contains f if {
	some [r, base, entry] in careful
	not entry_unknown(r, base)
	some key, cidr in anywhere
	v := get(entry, key)
	not is_array(v)
	f := source_finding(r, base, entry, join(base, key), cidr, v)
}

deny contains f if {
	some [r, base, entry] in careful
	not entry_unknown(r, base)
	some key, cidr in anywhere
	p := join(base, key)
	not lib.unknown(r, p)
	some [path, x] in members(r, p, get(entry, key))
	f := source_finding(r, base, entry, path, cidr, x)
}

source_finding(r, base, entry, path, cidr, x) := f if {
	not lib.unknown(r, path)
	x == cidr
	f := open_finding(r, base, entry, path, cidr, ports_verdict(r, base, entry))
} else := lib.undecided(r, path, sprintf("%s has a source range that is not known statically, so it cannot be checked for public access here.", [subject(r, base)])) if {
	lib.unknown(r, path)
	ports_verdict(r, base, entry) != "allowed"
}

open_finding(r, base, entry, path, cidr, "open") := lib.fail(r, path, fail_message(r, base, entry, cidr))

open_finding(r, base, _, path, cidr, "unknown") := lib.undecided(r, path, sprintf("%s allows ingress from %s, but its protocol or ports are not known statically, so they cannot be checked against the allowed ports here.", [subject(r, base), cidr]))

fail_message(r, base, entry, cidr) := sprintf("%s allows ingress from %s to %s; only ports %v may be open to the internet.", [subject(r, base), cidr, describe_ports(r, base, entry), sort(allowed_ports)])

entry_unknown(r, base) if {
	base != ""
	lib.unknown(r, base)
}

# members(r, p, v) is the [path, value] of each member of the list (or map)
# v at path p: CidrIp[1]. (A map's members are read by their path, as
# lib.value reads it.)
members(r, p, v) := [[sprintf("%s[%d]", [p, i]), x] | some i, x in v] if {
	is_array(v)
} else := [[q, lib.value(r, q)] | some k, _ in v; q := sprintf("%s[%d]", [p, k])] if {
	is_object(v)
}

# get(entry, key) is the value of key in the ingress rule, or null.
get(entry, key) := object.get(entry, key, null) if {
	is_object(entry)
} else := null

join("", key) := key

join(base, key) := concat(".", [base, key]) if base != ""

subject(r, "") := sprintf("Security group ingress %s", [r.address])

subject(r, base) := sprintf("Ingress rule %s of security group %s", [base, r.address]) if base != ""

protocol(_, _, entry) := lower(sprintf("%v", [object.get(entry, "IpProtocol", null)]))

port_protocols := {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp"}

# ports_verdict(r, base, entry) is "allowed" when the rule opens only
# allowed ports, "open" when it opens any other port, "unknown" when the
# protocol or a port is unknown. verdict(entry) is the verdict of a rule
# whose protocol and ports are known.
#
# OPA caches a function's result by its arguments, and rules whose numbers
# are written differently are equal (443 and 443.0). verdict compares
# numbers only, so it may share results between equal rules; what prints
# them (describe_ports: "tcp port 443") passes r and base, which only key
# that cache, so that each rule's message shows its own numbers.
ports_verdict(r, base, entry) := "unknown" if {
	some key in ["IpProtocol", "FromPort", "ToPort"]
	lib.unknown(r, join(base, key))
} else := verdict(entry)

verdict(entry) := "allowed" if {
	port_protocols[protocol(null, null, entry)]
	[from, to] := port_range(null, null, entry)
	count({p | some p in allowed_ports; p >= from; p <= to}) == (to - from) + 1
} else := "open"

# port_range(_, _, entry) is the [from, to] range of a TCP or UDP rule
# that names one; a missing or -1 port means every port. protocol(_, _,
# entry) is the rule's protocol as a lower-case string.
port_range(_, _, entry) := [from, to] if {
	from := object.get(entry, "FromPort", null)
	to := object.get(entry, "ToPort", null)
	is_number(from)
	is_number(to)
	from >= 0
	to >= from
} else := [0, 65535]

describe_ports(r, base, entry) := "all ports" if {
	protocol(r, base, entry) in {"-1", "all", "null"}
} else := sprintf("protocol %s, which allowed_ports cannot allow", [protocol(r, base, entry)]) if {
	not port_protocols[protocol(r, base, entry)]
} else := sprintf("%s port %d", [port_protocols[protocol(r, base, entry)], from]) if {
	[from, to] := port_range(r, base, entry)
	from == to
} else := sprintf("%s ports %d-%d", [port_protocols[protocol(r, base, entry)], from, to]) if {
	[from, to] := port_range(r, base, entry)
}
