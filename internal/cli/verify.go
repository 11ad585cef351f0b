package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/redact"
	"github.com/schemagate/schemagate/internal/report"
	"github.com/schemagate/schemagate/internal/verify"
)

// EnvDatabaseURL is the environment variable verify reads when
// --database-url is not given.
const EnvDatabaseURL = "SCHEMAGATE_DATABASE_URL"

func newVerifyCmd(stdio IO) *cobra.Command {
	var (
		f           checkFlags
		databaseURL string
		timeout     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Prove the verdict on a real PostgreSQL: apply the pending migrations to a sandboxed copy of the previous schema",
		Long: `Verify asks the server itself, in a sandbox: a throwaway PostgreSQL it starts from the server
binaries on this machine, listening only on a Unix socket in a temp dir, and removes at the end,
also after an error, a timeout or Ctrl-C (one that a killed run left behind is removed by the
next run). There it builds the schema the deployed release (--previous) runs on, prepares every
query of that release, applies the pending migrations statement by statement while a second
connection reads the locks each one holds and whether it rewrote a table, then prepares the
queries again and runs the release's INSERTs in savepoints that are always rolled back.
Everything a release brings runs as a role without superuser, CREATEROLE or CREATEDB that owns
the sandbox's database, so PostgreSQL itself refuses what reaches outside it (COPY ... PROGRAM,
server files, untrusted languages, ALTER SYSTEM, other roles and their sessions): such a
statement is a verify-statement-failed finding.
It reports strong locks (verify-lock), rewrites (verify-rewrite), statements PostgreSQL rejects
(verify-statement-failed), and queries or INSERTs of the running release that break
(verify-query-broken, verify-insert-broken), and where the server disagrees with check.

The previous schema comes from the previous release (its db/structure.sql, or its migrations
replayed), or with --database-url (or $SCHEMAGATE_DATABASE_URL) from the deployed database:
verify only reads it, in read-only transactions (its version, its roles' names, pg_dump
--schema-only), copies that into the sandbox, and never sends it a statement of the migrations.
The deployed server's major version (else the sandbox's) is used as --pg-version unless that
flag is given; the sandbox uses the binaries of that major version when they are installed.

Exit codes: 0 no finding at or above --fail-on (default error), 1 findings, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if databaseURL == "" {
				databaseURL = os.Getenv(EnvDatabaseURL)
			}
			if err := f.validate("error"); err != nil {
				return fail("%v", err)
			}
			ctx, stop := signalContext()
			defer stop()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			res, cfg, err := runVerify(ctx, &f, databaseURL, stdio)
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
					return fail("verify did not finish within --timeout %s; the sandbox was removed", timeout)
				}
				if errors.Is(err, context.Canceled) && ctx.Err() != nil {
					return fail("verify was interrupted; the sandbox was removed")
				}
				return fail("%s", scrubURL(err.Error(), databaseURL))
			}
			level, err := f.failLevel(cfg, "error")
			if err != nil {
				return fail("%v", err)
			}
			code, err := writeVerify(stdio.Out, &f.commonFlags, res, level)
			if err != nil {
				return fail("%v", err)
			}
			return exitWith(code)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&databaseURL, "database-url", "", "the deployed database, read only (version, roles, pg_dump --schema-only), whose schema is copied into the sandbox as the previous schema (postgres:// URL or key=value DSN; default $"+EnvDatabaseURL+", else the previous release's schema); PG* variables and sslmode work as in libpq")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long (the sandbox is removed all the same)")
	return cmd
}

// runVerify resolves the releases as check does and verifies.
func runVerify(ctx context.Context, f *checkFlags, databaseURL string, stdio IO) (*verify.Result, *config.Config, error) {
	env, err := newCheckEnv(&f.commonFlags, f.repo, f.noCache, f.verbose, stdio)
	if err != nil {
		return nil, nil, err
	}
	previous, err := f.previousTrees(ctx, env, stdio)
	if err != nil {
		return nil, nil, err
	}
	env.setRoot(f.repo, previous.configDir)
	scope := env.scope()
	in := scope.Input()
	if in.New, err = f.newTree(ctx, env); err != nil {
		return nil, nil, err
	}
	in.Previous = previous.trees
	if err := f.pg.apply(ctx, &in, env.verbose); err != nil {
		return nil, nil, err
	}
	res, err := verify.Run(ctx, verify.Input{Check: in, DatabaseURL: databaseURL, KeepPGVersion: f.pgVersion != 0, Log: env.verbose})
	f.checked = previous.names
	if err == nil {
		res.Notes = append(res.Notes, scope.Unread()...)
	}
	return res, env.cfg, err
}

// scrubURL makes sure no password of the connection string reaches the
// output, whatever produced the message.
func scrubURL(msg, url string) string {
	return redact.Text(msg, append(redact.Passwords(url), os.Getenv("PGPASSWORD"))...)
}

// writeVerify prints the findings in the chosen format; text adds the
// statement table and the disagreements, json carries everything.
func writeVerify(w io.Writer, c *commonFlags, res *verify.Result, level config.FailLevel) (int, error) {
	rep := &report.Report{Tool: "schemagate", Version: ToolVersion(), Command: "verify", Findings: res.Findings, Files: res.Files, Notes: res.Notes, Status: report.StatusOK}
	code := ExitClean
	if lint.FailingFindings(res.Findings, level.Fails) > 0 {
		code, rep.Status = ExitFindings, report.StatusFindings
	}
	var text strings.Builder
	writeVerifyText(&text, res)
	rep.Text = text.String()
	rep.Fields = verifyFields(res)
	if err := report.Write(w, c.format, rep, report.Options{Color: c.useColor(w), ColumnUnit: c.columnUnit}); err != nil {
		return ExitError, err
	}
	return code, nil
}

func writeVerifyText(w io.Writer, res *verify.Result) {
	if len(res.Statements) > 0 {
		fmt.Fprintf(w, "\nWhat PostgreSQL %d did (locks taken on existing relations, rewrites, time on the empty sandbox schema):\n", res.Version)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, s := range res.Statements {
			locks := "-"
			if len(s.Locks) > 0 {
				var ls []string
				for _, l := range s.Locks {
					ls = append(ls, l.Mode.String()+" "+l.Relation)
				}
				locks = strings.Join(ls, ", ")
			}
			if s.Skipped != "" {
				locks = s.Skipped
			}
			rewrite := "-"
			if len(s.Rewrites) > 0 {
				rewrite = "rewrote " + strings.Join(s.Rewrites, ", ")
			}
			status := fmt.Sprintf("%.1f ms", s.DurationMS)
			if s.Error != "" {
				status = "FAILED"
			}
			fmt.Fprintf(tw, "  %s:%d\t%s\t%s\t%s\t%s\n", s.File, s.Line, status, locks, rewrite, s.SQL)
		}
		tw.Flush()
	}
	if len(res.NotApplied) > 0 {
		fmt.Fprintf(w, "\nNot applied after the failure: %s\n", strings.Join(res.NotApplied, ", "))
	}
	if len(res.Disagreements) > 0 {
		fmt.Fprintln(w, "\nWhere the server and check disagree:")
		for _, d := range res.Disagreements {
			fmt.Fprintf(w, "  %s:%d: %s: %s\n", d.File, d.Line, d.Kind, d.Message)
		}
	}
}

// verifyFields are what verify adds to the JSON document: what the
// server did, per statement and per query. Scripts index the arrays:
// never null.
func verifyFields(res *verify.Result) []report.Field {
	statements := res.Statements
	if statements == nil {
		statements = []verify.Statement{}
	}
	for i := range statements {
		if statements[i].Locks == nil {
			statements[i].Locks = []verify.Lock{}
		}
	}
	fields := []report.Field{
		{Key: "server", Value: res.Server},
		{Key: "pg_version", Value: res.Version},
		{Key: "previous", Value: res.Previous},
		{Key: "statements", Value: statements},
		{Key: "not_applied", Value: nonNil(res.NotApplied)},
		{Key: "queries", Value: nonNil(res.Queries)},
		{Key: "disagreements", Value: nonNil(res.Disagreements)},
	}
	if res.Source != "" {
		// Where the schema was copied from, when verify read a server.
		fields = append(fields[:1], append([]report.Field{{Key: "source", Value: res.Source}}, fields[1:]...)...)
	}
	return fields
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
