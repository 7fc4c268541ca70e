// Package yamltag names the YAML core-schema tags the way
// yaml.Node.ShortTag reports them, for every stackgate YAML reader
// (CloudFormation templates, stackgate.yaml).
package yamltag

const (
	Str       = "!!str"
	Int       = "!!int"
	Float     = "!!float"
	Bool      = "!!bool"
	Null      = "!!null"
	Timestamp = "!!timestamp"
	Map       = "!!map"
	Seq       = "!!seq"
	Merge     = "!!merge"
)
