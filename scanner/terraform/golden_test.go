package terraform

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stackgate/stackgate/internal/golden"
	"github.com/stackgate/stackgate/scanner/tfmap"
)

// goldenResource is the dump of one resource in golden files: what the
// mapping layer relies on, with each path's start line and column.
type goldenResource struct {
	Address   string               `json:"address"`
	Type      string               `json:"type"`
	Mode      string               `json:"mode"`
	Module    string               `json:"module,omitempty"`
	Region    string               `json:"region,omitempty"`
	File      string               `json:"file"`
	Attrs     map[string]any       `json:"attrs"`
	Unknown   map[string]string    `json:"unknown,omitempty"`
	Refs      map[string]tfmap.Ref `json:"refs,omitempty"`
	Sensitive []string             `json:"sensitive,omitempty"`
	Lifecycle any                  `json:"lifecycle,omitempty"`
	// DefaultTags are the provider's default tags and their unknown reasons.
	DefaultTags []any    `json:"default_tags,omitempty"`
	Lines       []string `json:"lines"`
}

func dump(t *testing.T, m *Module) []byte {
	t.Helper()
	out := struct {
		Resources []goldenResource `json:"resources"`
		Notes     []string         `json:"notes,omitempty"`
	}{Notes: m.Notes}
	for _, r := range m.Resources {
		g := goldenResource{
			Address: r.Address, Type: r.Type, Mode: r.Mode, Module: r.Module, Region: r.Region,
			File: filepath.ToSlash(r.File), Attrs: r.Attrs, Unknown: r.Unknown, Refs: r.Refs,
			Sensitive: r.Sensitive,
		}
		if len(g.Unknown) == 0 {
			g.Unknown = nil
		}
		if len(g.Refs) == 0 {
			g.Refs = nil
		}
		if r.Lifecycle != nil {
			g.Lifecycle = r.Lifecycle
		}
		if dt := r.DefaultTags; dt != nil {
			g.DefaultTags = []any{dt.Tags, dt.Unknown}
		}
		for p, rng := range r.Ranges {
			g.Lines = append(g.Lines, p+" "+filepath.ToSlash(rng.Filename)+":"+strconv.Itoa(rng.Start.Line)+":"+strconv.Itoa(rng.Start.Column))
		}
		sort.Strings(g.Lines)
		out.Resources = append(out.Resources, g)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGolden loads every case under testdata and compares a dump of its
// resources with testdata/<case>.golden.json (-update rewrites them).
func TestGolden(t *testing.T) {
	for _, c := range []string{"s3split", "modules", "dynamic_sg", "json", "installed", "functions", "provider_tags"} {
		t.Run(c, func(t *testing.T) {
			m, err := Load(t.Context(), filepath.Join("testdata", c), Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", c+".golden.json"), dump(t, m))
		})
	}
}
