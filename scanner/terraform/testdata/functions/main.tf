variable "subnets" {
  type    = list(string)
  default = ["10.0.1.0/24", "10.0.2.0/24", "10.0.1.0/24"]
}

variable "settings" {
  type = object({
    name    = string
    retries = optional(number, 3)
    labels  = optional(map(string), {})
  })
  default = { name = "svc" }
}

locals {
  policy = jsondecode(file("${path.module}/policy.json"))
  config = yamldecode(<<-YAML
    replicas: 2
    regions: [eu-west-1, eu-central-1]
  YAML
  )
  unique    = distinct(var.subnets)
  user_data = templatefile("${path.module}/templates/init.sh.tftpl", { name = var.settings.name, ports = [80, 443] })
  flat      = flatten([[1, 2], [3], []])
  pairs     = setproduct(["a", "b"], ["x"])
  byname    = { for s in local.unique : replace(s, "/[./]/", "-") => cidrhost(s, 10) }
  upper_map = { for k, v in { a = "x", b = "y" } : upper(k) => v if v != "y" }
  greeting  = "hello $${upper(name)}"
}

resource "aws_lambda_function" "fn" {
  function_name = lower("Fn-${var.settings.name}")
  role          = "arn:aws:iam::123456789012:role/fn"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  memory_size   = max(128, var.settings.retries * 64)
  timeout       = try(local.config.timeout, 30)
  description   = format("%s has %d replicas in %s", var.settings.name, local.config.replicas, join(",", local.config.regions))

  environment {
    variables = {
      POLICY_VERSION = local.policy.Version
      SUBNETS        = join(" ", local.unique)
      USER_DATA_SHA  = sha256(local.user_data)
      HOSTS          = jsonencode(local.byname)
      FLAT           = length(local.flat)
      PAIRS          = length(local.pairs)
      NETMASK        = cidrnetmask("10.0.0.0/12")
      ONE            = one(["only"])
      ALL            = alltrue([true, startswith("abc", "a"), endswith("abc", "c"), strcontains("abc", "b")])
      CAN            = can(regex("^[a-z]+$", "abc"))
      UPPER          = jsonencode(local.upper_map)
      B64            = base64encode("hi")
      COALESCE       = coalesce("", "fallback")
      TRANSPOSED     = jsonencode(transpose({ a = ["1", "2"], b = ["2"] }))
      MATCHED        = jsonencode(matchkeys(["i-1", "i-2"], ["us-a", "us-b"], ["us-b"]))
      UUID           = uuid()
      NOW            = timestamp()
      CUSTOM         = provider::aws::arn_parse("arn:aws:s3:::x")
      OUTSIDE        = file("/etc/passwd")
      LOOKUP_HIT     = lookup({ cidr_block = "10.0.0.0/8" }, "cidr_block", null)
      LOOKUP_MISS    = jsonencode(lookup({ from_port = 22 }, "cidr_block", null))
      LOOKUP_DEFAULT = lookup({ a = "x" }, "b", "default")
      UUIDV5         = uuidv5("dns", "example.com")
      GZIP           = base64gzip("hello")
      UTF16          = textencodebase64("hi", "UTF-16LE")
      UTF16_BACK     = textdecodebase64("aABpAA==", "UTF-16LE")
      TIMECMP        = timecmp("2026-01-01T00:00:00Z", "2025-06-30T12:00:00Z")
      IS_SENSITIVE   = issensitive(sensitive("x"))
      EPHEMERAL      = ephemeralasnull("kept")
      TEMPLATE       = templatestring(local.greeting, { name = "ops" })
      HOME           = pathexpand("~/.ssh/id_rsa.pub")
    }
  }

  user_data_note = local.user_data
}
