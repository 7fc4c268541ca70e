// Command parsefloor is the parse floor of the peer benchmark: it reads and
// parses every input file once and does nothing else, on all cores. No tool
// that reads the same files can be faster than this by much, so the ratio of
// a tool's time to it says how much of that time goes to work beyond parsing.
//
//	parsefloor PATH...
//
// .tf and .tfvars are parsed with hcl/v2 (hclparse), .yaml/.yml/.template
// with go.yaml.in/yaml/v3 (into a yaml.Node, so CloudFormation short-form
// tags such as !Sub need no registration), .json (CloudFormation templates
// and Terraform plans) with encoding/json. Directories named .git and
// .terraform are skipped, as the scanners skip them. It prints the number of
// files and bytes parsed and the number of files that failed to parse.
package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2/hclparse"
	"go.yaml.in/yaml/v3"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: parsefloor PATH...")
		os.Exit(2)
	}
	files := make(chan string, 256)
	var nFiles, nBytes, nFailed atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					nFailed.Add(1)
					continue
				}
				nFiles.Add(1)
				nBytes.Add(int64(len(b)))
				if !parse(f, b) {
					nFailed.Add(1)
				}
			}
		}()
	}
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && (d.Name() == ".git" || d.Name() == ".terraform") {
					return filepath.SkipDir
				}
				return nil
			}
			if kind(p) != "" {
				files <- p
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "parsefloor:", err)
			os.Exit(2)
		}
	}
	close(files)
	wg.Wait()
	fmt.Printf("files %d bytes %d failed %d\n", nFiles.Load(), nBytes.Load(), nFailed.Load())
}

func kind(p string) string {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".tf", ".tfvars":
		return "hcl"
	case ".yaml", ".yml", ".template":
		return "yaml"
	case ".json":
		return "json"
	}
	return ""
}

// parse parses one file and reports whether it parsed. A new hclparse.Parser
// per file: a Parser caches every file it has parsed, which is not wanted here.
func parse(p string, b []byte) bool {
	switch kind(p) {
	case "hcl":
		_, diags := hclparse.NewParser().ParseHCL(b, p)
		return !diags.HasErrors()
	case "yaml":
		var n yaml.Node
		return yaml.Unmarshal(b, &n) == nil
	case "json":
		var v any
		return json.Unmarshal(b, &v) == nil
	}
	return true
}
