// Command stackgate checks AWS infrastructure as code (CloudFormation
// templates, Terraform configurations and plans) against one policy rule
// set, the same rules the editor and the deployment hook enforce.
//
// Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage, config or
// parse error.
//
// STACKGATE_CPUPROFILE=FILE writes a Go CPU profile of the run (for
// `go tool pprof`), for performance work on real repositories.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"

	// first: no collection while the packages initialise (see initgc)
	_ "github.com/stackgate/stackgate/internal/initgc"
)

// Exit codes (public interface).
const (
	exitOK       = 0
	exitBlocking = 1
	exitError    = 2
)

// exitError carries an exit code through cobra.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func main() {
	tuneGC()
	if path := os.Getenv("STACKGATE_CPUPROFILE"); path != "" {
		stop, err := startProfile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "error: STACKGATE_CPUPROFILE:", err)
			os.Exit(exitError)
		}
		code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// run executes the CLI and returns the exit code; tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		if ce.err != nil && ce.code == exitError {
			fmt.Fprintln(stderr, "error:", ce.err)
		}
		return ce.code
	}
	// cobra's own usage errors (unknown flag, bad args).
	fmt.Fprintln(stderr, "error:", err)
	return exitError
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "stackgate",
		Short: "One AWS policy rule set for the editor, CI and deployment",
		Long: `stackgate checks AWS infrastructure as code against one policy rule set,
enforced the same way in the editor, in CI and at deployment.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage, config or parse error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newScanCmd(stdout, stderr), newPlanCmd(stdout, stderr), newInspectCmd(stdout, stderr), newRulesCmd(stdout), newExplainCmd(stdout), newTestCmd(stdout), newVersionCmd(stdout), newLSPCmd(stdout, stderr))
	root.AddCommand(newHookCmd(stdout, stderr))
	return root
}

func usageErr(format string, args ...any) error {
	return &codeError{code: exitError, err: fmt.Errorf(format, args...)}
}
