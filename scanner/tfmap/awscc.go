package tfmap

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/stackgate/stackgate/policies/model"
)

//go:embed names.json
var namesJSON []byte

// cfnNames is names.json, indexed for the AWSCC inverse naming.
type cfnNames struct {
	services map[string]string            // "ec2" -> "EC2"
	types    map[string]string            // "awscc_s3_bucket" -> "AWS::S3::Bucket"
	byType   map[string]map[string]string // CFN type -> snake -> name
	global   map[string]string            // snake -> name, over every type
	maps     map[string]map[string]bool   // CFN type -> map-valued pattern
}

// names is names.json, decoded on first use rather than when the program
// starts.
var names = sync.OnceValue(func() *cfnNames { return mustLoadNames(namesJSON) })

func mustLoadNames(src []byte) *cfnNames {
	n, err := loadNames(src)
	if err != nil {
		panic(fmt.Sprintf("tfmap: embedded names.json: %v", err))
	}
	return n
}

func loadNames(src []byte) (*cfnNames, error) {
	var raw struct {
		Services map[string]string `json:"services"`
		Types    map[string]struct {
			Names []string `json:"names"`
			Maps  []string `json:"maps"`
		} `json:"types"`
	}
	if err := json.Unmarshal(src, &raw); err != nil {
		return nil, err
	}
	n := &cfnNames{services: raw.Services, types: map[string]string{},
		byType: map[string]map[string]string{}, global: map[string]string{}, maps: map[string]map[string]bool{}}
	for t, spec := range raw.Types {
		parts := strings.Split(t, "::")
		if len(parts) != 3 {
			return nil, fmt.Errorf("type %q is not of the form AWS::Service::Resource", t)
		}
		n.types[awsccTypeName(t)] = t
		idx := map[string]string{}
		for _, name := range spec.Names {
			for _, s := range snakeForms(name) {
				idx[s] = name
				if _, taken := n.global[s]; !taken {
					n.global[s] = name
				}
			}
		}
		n.byType[t] = idx
		n.maps[t] = map[string]bool{}
		for _, m := range spec.Maps {
			n.maps[t][m] = true
		}
	}
	return n, nil
}

// snakeForms is the AWSCC attribute name of a CloudFormation name, and the
// same with digits joined to the word before (cidr_ipv6), which hand-written
// inputs sometimes use.
func snakeForms(name string) []string {
	s := snakeCase(name)
	joined := strings.NewReplacer("_0", "0", "_1", "1", "_2", "2", "_3", "3", "_4", "4",
		"_5", "5", "_6", "6", "_7", "7", "_8", "8", "_9", "9").Replace(s)
	if joined == s {
		return []string{s}
	}
	return []string{s, joined}
}

// awsccTypeName is the AWSCC resource type of a CloudFormation type: the
// service lower-cased, the resource snake-cased (AWS::EC2::SecurityGroup ->
// awscc_ec2_security_group).
func awsccTypeName(cfnType string) string {
	parts := strings.Split(cfnType, "::")
	return "awscc_" + strings.ToLower(parts[1]) + "_" + snakeCase(parts[2])
}

// awsccCFNType returns the CloudFormation type of an awscc_* type: from the
// known types, else by rule (service from the service table or
// capitalised, resource PascalCased).
func awsccCFNType(tfType string) (string, bool) {
	if t, ok := names().types[tfType]; ok {
		return t, true
	}
	rest, ok := strings.CutPrefix(tfType, "awscc_")
	if !ok {
		return "", false
	}
	svc, res, ok := strings.Cut(rest, "_")
	if !ok || svc == "" || res == "" || !isSnake(rest) {
		return "", false
	}
	service, ok := names().services[svc]
	if !ok {
		service = strings.ToUpper(svc[:1]) + svc[1:]
	}
	return "AWS::" + service + "::" + pascalCase(res), true
}

// awsccName returns the CloudFormation name of an AWSCC attribute of a
// resource of type cfnType; top says it is a top-level attribute, where the
// provider renames Id to <resource>_id and Provider to provider_name.
func awsccName(cfnType, attr string, top bool) string {
	idx := names().byType[cfnType]
	if top {
		parts := strings.Split(cfnType, "::")
		if len(parts) == 3 && attr == snakeCase(parts[2])+"_id" {
			if _, ok := idx["id"]; ok {
				return "Id"
			}
		}
		if attr == "provider_name" {
			return "Provider"
		}
	}
	if n, ok := idx[attr]; ok {
		return n
	}
	if n, ok := names().global[attr]; ok {
		return n
	}
	return pascalCase(attr)
}

// awsccPath translates an AWSCC attribute path to the CloudFormation path:
// keys renamed, list indexes kept, keys of map-valued properties
// (Environment.Variables) kept as written. ok is false for the provider's
// own top-level id attribute, which is no CloudFormation property.
func awsccPath(cfnType, path string) (string, bool) {
	segs := model.SplitPath(path)
	if len(segs) > 0 && segs[0] == "id" {
		return "", false
	}
	out := make([]any, 0, len(segs))
	pattern := ""
	inMap := false
	for i, s := range segs {
		switch v := s.(type) {
		case int:
			out = append(out, v)
			pattern += "[]"
		case string:
			name := v
			if !inMap {
				name = awsccName(cfnType, v, i == 0)
			}
			out = append(out, name)
			pattern = model.AppendKey(pattern, name)
			if names().maps[cfnType][pattern] {
				inMap = true
			}
		}
	}
	return model.JoinPath(out...), true
}
