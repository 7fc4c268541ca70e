// Package config reads stackgate.yaml, the one file that drives every
// layer (editor, CI, deployment hooks): which environment a source file or
// an AWS account belongs to, how strictly each environment enforces
// (advise, warn, block), which rules are on with which parameters, and the
// waivers that exempt a resource from a rule until an expiry date.
//
// An invalid config is never a silent default: Parse reports every problem
// at once, each with file, line and column and, for a misspelt key or rule
// id, the closest valid one. Hostile input (files over 1 MiB, invalid
// UTF-8, YAML aliases, nesting deeper than 64) is rejected before it is
// walked. The package knows rules only through the RuleSpec catalogue the
// caller passes in, so it does not depend on the policy engine.
//
// The JSON Schema in schema/stackgate.schema.json describes the same file
// for editors; a test keeps its keys equal to the ones Parse accepts.
package config
