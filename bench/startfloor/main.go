// Command startfloor is the start-up floor of `stackgate version`: a Go
// program that links OPA's rego package, the engine every stackgate
// command needs, and prints a version line. Linking a package runs its
// initialisation (OPA registers its built-in functions and compiles its
// JSON schemas) before main, whatever the command; this is what any
// binary with OPA in it pays before it can say its version.
package main

import (
	"fmt"
	"runtime"

	// Imported for its initialisation alone: the floor is the cost of
	// having the engine in the binary.
	_ "github.com/open-policy-agent/opa/v1/rego"
)

func main() {
	fmt.Printf("startfloor (%s, %s/%s)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
