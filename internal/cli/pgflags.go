package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/redact"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/verify"
)

// pgReadTimeout bounds reading a history table or pg_stat_statements,
// connecting included: a server that does not answer is an error, not a
// hung pipeline.
const pgReadTimeout = time.Minute

// pgFlags are check's and gate's flags that read a live database, always
// in READ ONLY transactions: which migrations have run, and which queries
// the running release sends.
type pgFlags struct {
	pendingFrom string
	runtimeRefs string
}

func (p *pgFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.pendingFrom, "pending-from", "", "read which migrations have run from this database's migration history table (read-only): pending are the others, instead of those --previous lacks (postgres:// URL or key=value DSN; PG* variables and sslmode work as in libpq)")
	fs.StringVar(&p.runtimeRefs, "runtime-references", "", "add the queries pg_stat_statements recorded in this database (read-only) to the running release's references, as source kind runtime")
}

// apply wires the flags into check's input: the history table decides
// the pending set, and the runtime references join every previous
// release's index (they are what runs now, not what is being deployed).
func (p *pgFlags) apply(ctx context.Context, in *check.Input, verbose func(string, ...any)) error {
	if p.pendingFrom != "" {
		in.Applied = verify.AppliedFrom(ctx, p.pendingFrom)
	}
	if p.runtimeRefs == "" {
		return nil
	}
	runtime, err := readRuntime(ctx, p.runtimeRefs, verbose)
	if err != nil {
		return fmt.Errorf("--runtime-references: %w", err)
	}
	for i := range in.Previous {
		if in.Previous[i].Index != nil {
			in.Previous[i].Index = verify.WithRuntime(in.Previous[i].Index, runtime)
		}
	}
	index, newName := in.Index, in.New.Name
	in.Index = func(t check.Tree, skip []string) (*refs.Index, error) {
		idx, err := index(t, skip)
		if err != nil || t.Name == newName {
			return idx, err
		}
		return verify.WithRuntime(idx, runtime), nil
	}
	return nil
}

// readRuntime reads pg_stat_statements of the database url names.
func readRuntime(ctx context.Context, url string, verbose func(string, ...any)) ([]refs.Reference, error) {
	ctx, cancel := context.WithTimeout(ctx, pgReadTimeout)
	defer cancel()
	runtime, skipped, err := verify.RuntimeReferences(ctx, url)
	if err != nil {
		return nil, err
	}
	verbose("%d runtime references from pg_stat_statements of %s (%d texts that do not parse skipped)", len(runtime), redact.ConnString(url), skipped)
	return runtime, nil
}

// withStatStatements adds the runtime references of the database url
// names to idx, for refs --from-pg-stat-statements.
func withStatStatements(url string, idx *refs.Index, verbose func(string, ...any)) (*refs.Index, error) {
	ctx, stop := signalContext()
	defer stop()
	runtime, err := readRuntime(ctx, url, verbose)
	if err != nil {
		return nil, fmt.Errorf("--from-pg-stat-statements: %w", err)
	}
	return verify.WithRuntime(idx, runtime), nil
}
