package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/stackgate/stackgate/ide/lsp"
)

// stdio is the server's connection: its standard input and output.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return os.Stdin.Close() }

func newLSPCmd(stdout, stderr io.Writer) *cobra.Command {
	var configFile, env string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Run the stackgate language server (LSP 3.17 over stdio)",
		Long: `lsp runs a Language Server Protocol server on standard input and output:
diagnostics for Terraform files and CloudFormation templates as you type,
hover explanations and quick fixes, with the environment chosen from each
file's path by stackgate.yaml, as in CI.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stopGCTuning() // the CLI's batch tuning (gctune.go) would undo the server's
			lsp.TuneGC()   // a long-running server's collector (ide/lsp/gc.go)
			opts := lsp.Options{ConfigFile: configFile, Env: env, Version: versionString()}
			if verbose {
				opts.Log = stderr
			}
			if err := lsp.Serve(cmd.Context(), stdio{cmd.InOrStdin(), stdout}, opts); err != nil {
				return &codeError{code: exitError, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "stackgate.yaml to use for every file (default: found by walking up from each file)")
	cmd.Flags().StringVar(&env, "env", "", "evaluate every file in this environment, whatever its path matches")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log to standard error")
	cmd.Flags().Bool("stdio", true, "talk over standard input and output (the only transport; accepted for editors that pass it)")
	return cmd
}
