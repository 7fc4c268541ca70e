// Command gen writes the large inputs of scripts/mem-bench.sh: a plan in
// the shape of a fixture with N resource changes, or a CloudFormation
// template with N buckets.
//
//	go run ./internal/benchgen/gen -plan N -fixture testdata/plan/create/plan.json > plan.json
//	go run ./internal/benchgen/gen -template N > template.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/stackgate/stackgate/internal/benchgen"
)

func main() {
	planN := flag.Int("plan", 0, "write a plan with this many resource changes")
	fixture := flag.String("fixture", "testdata/plan/create/plan.json", "plan whose shape -plan copies")
	tplN := flag.Int("template", 0, "write a CloudFormation template with this many buckets")
	flag.Parse()
	var out []byte
	switch {
	case *planN > 0:
		src, err := os.ReadFile(*fixture)
		if err != nil {
			fail(err)
		}
		if out, err = benchgen.Plan(src, *planN); err != nil {
			fail(err)
		}
	case *tplN > 0:
		out = benchgen.Template(*tplN)
	default:
		fail(fmt.Errorf("give -plan N or -template N"))
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(2)
}
