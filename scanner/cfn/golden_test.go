package cfn

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stackgate/stackgate/internal/golden"

	"github.com/stackgate/stackgate/policies/model"
)

// goldenOptions are the options the golden files are loaded with: a
// region (so AWS::Partition and AWS::URLSuffix resolve) and no account.
var goldenOptions = Options{Region: "eu-west-1", StackName: "lake"}

// goldenResource is the dump of one resource: the model plus the source
// range of every path as "line:col-line:col".
type goldenResource struct {
	Address      string                     `json:"address"`
	Type         string                     `json:"type"`
	Properties   map[string]any             `json:"properties"`
	UnknownPaths []model.Unknown            `json:"unknown_paths"`
	References   map[string]model.Reference `json:"references"`
	Name         string                     `json:"name"`
	Range        string                     `json:"range"`
	Paths        map[string]string          `json:"paths"`
}

func fmtRange(r model.Range) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
}

func dump(t *testing.T, tpl *Template) []byte {
	t.Helper()
	out := struct {
		Resources []goldenResource `json:"resources"`
		Notes     []string         `json:"notes"`
	}{Resources: []goldenResource{}, Notes: append([]string{}, tpl.Notes...)}
	for _, r := range tpl.Resources {
		g := goldenResource{
			Address: r.Address, Type: r.Type, Properties: r.Properties,
			UnknownPaths: r.UnknownPaths, References: r.References,
			Name: fmtRange(r.Origin.NameRange), Range: fmtRange(r.Origin.Range),
			Paths: map[string]string{},
		}
		for p, rg := range r.Origin.AllPaths() {
			g.Paths[p] = fmtRange(rg)
		}
		out.Resources = append(out.Resources, g)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func testdataTemplates(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*.yaml", "*.json"} {
		m, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no templates in testdata")
	}
	return files
}

// TestGolden loads every template in testdata and compares the dump with
// testdata/golden/<name>.golden.json. Run with -update to rewrite.
func TestGolden(t *testing.T) {
	for _, file := range testdataTemplates(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := Load(name, src, goldenOptions)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := dump(t, tpl)
			golden.Check(t, filepath.Join("testdata", "golden", strings.TrimSuffix(name, filepath.Ext(name))+".golden.json"), got)
		})
	}
}
