package hooks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/stackgate/stackgate/policies/model"
	"github.com/stackgate/stackgate/scanner/cfn"
	"github.com/stackgate/stackgate/workspace"
)

var deployTemplate = filepath.Join("deploy", "stackgate-hook.yaml")

// The deployment template loads with the project's own CloudFormation
// loader, every Ref, Fn::GetAtt and ${} in Fn::Sub names a parameter, a
// resource or a pseudo parameter, and it creates what the deployment
// layer needs.
func TestDeployTemplateLoads(t *testing.T) {
	src, err := os.ReadFile(deployTemplate)
	if err != nil {
		t.Fatal(err)
	}
	for _, params := range []map[string]string{
		{"CodeBucket": "code"},
		{"CodeBucket": "code", "ConfigBucket": "cfg", "ConfigKey": "stackgate.yaml", "TargetNames": "AWS::S3::*", "ExcludedStackNames": "sandbox-*"},
		{"CodeBucket": "code", "ConfigParameter": "/stackgate/config", "FailureMode": "FAIL"},
	} {
		tpl, err := cfn.Load(deployTemplate, src, cfn.Options{Params: params, Region: "eu-west-1", AccountID: "111111111111", StackName: "stackgate-hook"})
		if err != nil {
			t.Fatalf("%v: %v", params, err)
		}
		var types []string
		for _, r := range tpl.Resources {
			types = append(types, r.Type)
			if len(r.UnknownPaths) > 0 {
				t.Errorf("%v: %s has unknown values: %v", params, r.Address, r.UnknownPaths)
			}
		}
		for _, want := range []string{"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::CloudFormation::LambdaHook", "AWS::Logs::LogGroup"} {
			if !slices.Contains(types, want) {
				t.Errorf("no %s in %v", want, types)
			}
		}
		for _, r := range tpl.Resources {
			switch r.Type {
			case "AWS::Lambda::Function":
				if r.Properties["Runtime"] != "provided.al2023" || r.Properties["Timeout"].(int64) >= 30 {
					t.Errorf("function: runtime %v, timeout %v", r.Properties["Runtime"], r.Properties["Timeout"])
				}
			case "AWS::IAM::Role":
				policy := strings.Join(flatten(r.Properties), " ")
				if r.Address == "FunctionRole" {
					has := func(a string) bool { return strings.Contains(policy, a) }
					if has("s3:GetObject") != (params["ConfigBucket"] != "") || has("ssm:GetParameter") != (params["ConfigParameter"] != "") {
						t.Errorf("%v: configuration read permissions: %s", params, policy)
					}
					for _, a := range []string{"*:*", "iam:", "Action: *"} {
						if has(a) {
							t.Errorf("function role grants %s", a)
						}
					}
				}
			}
		}
	}

	// Every reference names something the template declares.
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	root := doc.Content[0]
	for _, section := range []string{"Parameters", "Resources", "Conditions"} {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == section {
				for j := 0; j < len(root.Content[i+1].Content); j += 2 {
					declared[root.Content[i+1].Content[j].Value] = true
				}
			}
		}
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		var names []string
		switch n.Tag {
		case "!Ref":
			names = append(names, n.Value)
		case "!GetAtt":
			name, _, _ := strings.Cut(n.Value, ".")
			names = append(names, name)
		case "!Sub":
			s := n.Value
			if n.Kind == yaml.SequenceNode {
				s = n.Content[0].Value
			}
			for _, part := range strings.Split(s, "${")[1:] {
				name, _, _ := strings.Cut(part, "}")
				name, _, _ = strings.Cut(name, ".")
				names = append(names, name)
			}
		case "!If":
			names = append(names, n.Content[0].Value)
		}
		for _, name := range names {
			if !declared[name] && !strings.HasPrefix(name, "AWS::") {
				t.Errorf("line %d: %s %s names nothing the template declares", n.Line, n.Tag, name)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
}

// flatten lists every scalar of v as text, with map keys as "Key: value".
func flatten(v any) []string {
	switch x := v.(type) {
	case map[string]any:
		var out []string
		for k, e := range x {
			for _, s := range flatten(e) {
				out = append(out, k+": "+s)
			}
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

// The deployment template passes stackgate's own built-in rules, checked
// through the front door as `stackgate scan` checks it in CI.
func TestDeployTemplatePassesBuiltinRules(t *testing.T) {
	ws, err := workspace.Open(workspace.Options{NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	units, err := ws.LoadPaths(ctx, []string{deployTemplate}, workspace.LoadOptions{CloudFormation: cfn.Options{Params: map[string]string{"CodeBucket": "code"}, Region: "eu-west-1", AccountID: "111111111111"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ws.Check(ctx, units, workspace.CheckOptions{Layer: model.RuleLayerCI})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	if res.Resources < 5 {
		t.Errorf("%d resources checked", res.Resources)
	}
	for _, f := range res.Findings {
		t.Errorf("%s %s %s: %s", f.Rule, f.Status, f.Resource, f.Message)
	}
}
