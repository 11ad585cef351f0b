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
	"strings"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/redact"
	"github.com/schemagate/schemagate/internal/report"
	"github.com/schemagate/schemagate/internal/version"
)

// Exit codes, documented in the README.
const (
	ExitClean    = 0 // nothing at or above the fail level
	ExitFindings = 1 // findings at or above the fail level
	ExitError    = 2 // could not run: bad flag, unreadable path, bad config
)

// ToolVersion is the schemagate version reports and snapshots record.
func ToolVersion() string { return version.Get().Version }

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
	// --version says which build this is, in full: a snapshot or a bug
	// report needs the commit and the parser, not just a number.
	root.SetVersionTemplate(version.Get().String())
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fail("%v (see `%s --help`)", err, c.CommandPath())
	})
	// The command tree, in the order help lists it.
	root.AddCommand(
		newInitCmd(stdio),
		newLintCmd(stdio),
		newCheckCmd(stdio),
		newGateCmd(stdio), // gate ecs, gate exec
		newVerifyCmd(stdio),
		newRefsCmd(stdio),
		newSnapshotCmd(stdio),
		newLSPCmd(stdio),
		newRulesCmd(stdio),
		newExplainCmd(stdio),
	)
	return root
}

// Main runs schemagate with args and returns the exit code.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	counted := &countingWriter{w: out}
	root := NewRoot(IO{In: in, Out: counted, Err: errOut})
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitClean
	}
	code, msg := ExitError, oneLine(scrub(err.Error())) // cobra's own errors: unknown command, bad args
	var ee *exitError
	if errors.As(err, &ee) {
		code, msg = ee.code, oneLine(scrub(ee.msg))
	}
	if msg != "" {
		fmt.Fprintln(errOut, "schemagate: "+oneLine(msg))
	}
	if code == ExitError && counted.n == 0 {
		writeErrorReport(counted, cmd, oneLine(msg))
	}
	return code
}

// scrub is the last line of defence for every error printed: any
// connection string in it is redacted, and so are the passwords the
// environment holds.
func scrub(msg string) string {
	return redact.Text(msg, append(redact.Passwords(os.Getenv(EnvDatabaseURL)), os.Getenv("PGPASSWORD"))...)
}

// writeErrorReport gives a command that could not run, in a format a
// program reads (json, sarif, github), a document that says so: status
// "error" and the reason, never nothing or an empty findings list.
func writeErrorReport(w io.Writer, cmd *cobra.Command, msg string) {
	if cmd == nil {
		return
	}
	f := cmd.Flags().Lookup("format")
	if f == nil {
		return
	}
	switch f.Value.String() {
	case "json", "sarif", "github":
	default:
		return
	}
	command := cmd.Name()
	for c := cmd; c.HasParent() && c.Parent().HasParent(); c = c.Parent() {
		command = c.Parent().Name()
	}
	if msg == "" {
		msg = "schemagate could not run"
	}
	r := &report.Report{Tool: "schemagate", Version: ToolVersion(), Command: command, Status: report.StatusError, Errors: []string{msg}}
	_ = report.Write(w, f.Value.String(), r, report.Options{})
}

// countingWriter counts what a command wrote.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
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
	if c, ok := w.(*countingWriter); ok {
		w = c.w
	}
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
