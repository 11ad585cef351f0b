package cli

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/lintcache"
	"github.com/schemagate/schemagate/internal/lsp"
)

func newLSPCmd(stdio IO) *cobra.Command {
	var (
		debounce time.Duration
		noCache  bool
	)
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server (LSP over stdio) for editors",
		Long: `lsp speaks the Language Server Protocol on standard input and output. It lints SQL
migrations as they are edited, with the rules and configuration of ` + "`schemagate lint`" + `, and,
when schemagate.yaml names the deployed revision (previous:), adds the compatibility
findings of ` + "`schemagate check`" + `. Hover shows a finding's explanation; code actions apply
its mechanical fix or add a schemagate:ignore comment. See docs/editors.md.

The server exits with 0 after shutdown and exit, 1 when the editor goes away without them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lopt := lsp.LinterOptions{Version: ToolVersion(), NoCache: noCache}
			if !noCache {
				store := lintcache.Open(ToolVersion(), nil)
				defer store.Wait()
				lopt.LintStore = store
			}
			srv := lsp.NewServer(lsp.Options{
				Linter:   lsp.NewLinter(lopt),
				Debounce: debounce,
				Explain:  Explain,
				Version:  ToolVersion(),
			})
			err := srv.Serve(context.Background(), stdio.In, stdio.Out)
			if errors.Is(err, lsp.ErrNoShutdown) {
				return exitWith(1)
			}
			if err != nil {
				return fail("lsp: %v", err)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&debounce, "debounce", lsp.DefaultDebounce, "pause after an edit before linting")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "rebuild reference indexes and lint findings instead of reading the caches")
	return cmd
}
