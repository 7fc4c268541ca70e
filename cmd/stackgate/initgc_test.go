package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestCollectorOffDuringInit: no garbage collection runs while the
// packages initialise (internal/initgc), because initgc initialises before
// the packages that allocate most (santhosh-tekuri/jsonschema). The test
// binary has the command's packages and their order; it is run again with
// no test, tracing inits and collections.
func TestCollectorOffDuringInit(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// (the last of a variable given twice wins: GOGC and GOMEMLIMIT unset)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1,gctrace=1", "GOGC=", "GOMEMLIMIT=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	trace := string(out)
	initgc := strings.Index(trace, "init github.com/stackgate/stackgate/internal/initgc ")
	schema := strings.Index(trace, "init github.com/santhosh-tekuri/jsonschema/v6 ")
	if initgc < 0 || schema < 0 {
		t.Fatalf("the init trace names initgc at %d and jsonschema at %d:\n%s", initgc, schema, trace)
	}
	if initgc > schema {
		t.Errorf("jsonschema initialises before initgc: the collector runs during its init")
	}
	if gc := regexp.MustCompile(`(?m)^gc \d+ @.*$`).FindString(trace); gc != "" {
		t.Errorf("a collection ran during init: %s", gc)
	}
}
