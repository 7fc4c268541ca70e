package config

// testRules mirrors the initial catalogue of DESIGN.md: the six
// environment-neutral rules are default-enabled; parameter schemas follow
// the parameters each rule reads.
var testRules = []RuleSpec{
	{ID: "s3-encryption-kms", DefaultEnabled: true},
	{ID: "s3-public-access-block", DefaultEnabled: true},
	{ID: "s3-versioning", DefaultEnabled: true},
	{ID: "kms-key-rotation", DefaultEnabled: true},
	{ID: "ec2-imdsv2", DefaultEnabled: true},
	{ID: "sg-no-public-ingress", DefaultEnabled: true, Parameters: object(map[string]any{
		"allowed_ports": map[string]any{
			"type":  "array",
			"items": map[string]any{"type": "integer", "minimum": 0, "maximum": 65535},
		},
	})},
	{ID: "s3-dual-layer-encryption"},
	{ID: "required-tags", Parameters: object(map[string]any{
		"tags": map[string]any{
			"type": "object",
			"additionalProperties": map[string]any{
				"type":  "array",
				"items": map[string]any{"type": "string"},
			},
		},
	}, "tags")},
	{ID: "allowed-resource-types", Parameters: object(map[string]any{
		"allow": stringArray(),
		"deny":  stringArray(),
	})},
	{ID: "allowed-regions", Parameters: object(map[string]any{
		"regions": stringArray(),
	}, "regions")},
	{ID: "immutable-no-in-place-update", Parameters: object(map[string]any{
		"allow_changes": stringArray(),
	})},
	{ID: "no-drift"},
	{ID: "no-drift-suppression"},
}

// defaultOn are the ids of the default-enabled rules in testRules.
var defaultOn = []string{
	"ec2-imdsv2", "kms-key-rotation", "s3-encryption-kms",
	"s3-public-access-block", "s3-versioning", "sg-no-public-ingress",
}

func object(props map[string]any, required ...string) map[string]any {
	s := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		req := make([]any, len(required))
		for i, r := range required {
			req[i] = r
		}
		s["required"] = req
	}
	return s
}

func stringArray() map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
}
