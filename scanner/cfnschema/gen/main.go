// Command gen writes policies/lib/tagging.json, the table of where each
// CloudFormation resource type keeps its tags, from a directory of
// CloudFormation resource provider schemas. Run it from the repository
// root:
//
//	go run ./scanner/cfnschema/gen [-o policies/lib/tagging.json] SCHEMA_DIR
//
// The package comment of scanner/cfnschema says where the schemas come
// from. Notes on schemas left out go to standard error.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/stackgate/stackgate/scanner/cfnschema"
)

func main() {
	out := flag.String("o", "policies/lib/tagging.json", "the file to write")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./scanner/cfnschema/gen [-o FILE] SCHEMA_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	table, notes, err := cfnschema.ReadDir(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for _, n := range notes {
		fmt.Fprintln(os.Stderr, "note:", n)
	}
	if err := os.WriteFile(*out, table.JSON(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d taggable types\n", *out, len(table))
}
