// Package cli holds schemagate's commands: flag parsing and the one call
// each command makes into the packages that do the work. It lives outside
// package main so tests (and the examples' command-line check) can drive
// the real flag parser.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README.
const (
	ExitClean    = 0 // nothing at or above the fail level
	ExitFindings = 1 // findings at or above the fail level
	ExitError    = 2 // could not run: bad flag, unreadable path, bad config
)

// Version is the schemagate version; release builds set it with
// -ldflags "-X github.com/schemagate/schemagate/internal/cli.Version=v1.2.3".
var Version = ""

// ToolVersion returns Version, or the module version the binary was built
// from.
func ToolVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// fail returns an error that exits with code 2 and prints msg.
func fail(format string, args ...any) error {
	return &exitError{code: ExitError, msg: fmt.Sprintf(format, args...)}
}

// exitWith returns an error that only sets the exit code.
func exitWith(code int) error { return &exitError{code: code} }

// IO is where a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// NewRoot builds the command tree.
func NewRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:           "schemagate",
		Short:         "Keep PostgreSQL migrations safe to deploy while the previous release still runs",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       ToolVersion(),
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fail("%v (see `%s --help`)", err, c.CommandPath())
	})
	root.AddCommand(newLintCmd(stdio), newRulesCmd(stdio), newExplainCmd(stdio))
	for _, add := range extraCommands {
		root.AddCommand(add(stdio))
	}
	return root
}

// extraCommands lets later commands register themselves from their own
// files without growing this one.
var extraCommands []func(IO) *cobra.Command

// Main runs schemagate with args and returns the exit code.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	root := NewRoot(IO{In: in, Out: out, Err: errOut})
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitClean
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(errOut, "schemagate: "+oneLine(ee.msg))
		}
		return ee.code
	}
	// cobra's own errors: unknown command, bad args.
	fmt.Fprintln(errOut, "schemagate: "+oneLine(err.Error()))
	return ExitError
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// isTerminal reports whether w is a terminal, for colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
