// Package policies is the stackgate rule set and the engine that evaluates
// it. Every layer (editor, CI, deployment) calls it the same way: build one
// Engine per process, then Evaluate whole documents with it.
package policies

import "embed"

// builtin holds the built-in rules (one folder per rule id) and the shared
// Rego library.
//
//go:embed lib/*.rego lib/tagging.json rules/*/*.rego rules/*/examples.yaml
var builtin embed.FS
