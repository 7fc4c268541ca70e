package config

// The keys accepted at each level of stackgate.yaml. They are public
// interface (DESIGN.md) and must equal the properties of the JSON Schema in
// schema/stackgate.schema.json; schema_test.go checks that the two agree.
var (
	topLevelKeys    = []string{"version", "default_environment", "environments", "waivers", "policies", "exclude"}
	environmentKeys = []string{"match", "enforcement", "unknown", "mandatory", "inline_suppressions", "rules"}
	matchKeys       = []string{"paths", "accounts", "organizational_units", "tags"}
	waiverKeys      = []string{"rule", "resource", "environment", "reason", "owner", "expires"}
)

// enabledKey is the one reserved key inside a rule's parameter object.
const enabledKey = "enabled"

// Values of an environment's `unknown` key.
const (
	UnknownWarn  = "warn"
	UnknownBlock = "block"
)

// DefaultEnvironmentName names the built-in environment used when no
// config file exists, or when nothing in the file selects one.
const DefaultEnvironmentName = "default"

// FileNames are the names Find looks for, in order of preference.
var FileNames = []string{"stackgate.yaml", "stackgate.yml", ".stackgate.yaml"}

// Limits that keep hostile input bounded.
const (
	// MaxFileSize is the largest config file accepted (1 MiB).
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of mappings and sequences accepted.
	MaxDepth = 64
)
