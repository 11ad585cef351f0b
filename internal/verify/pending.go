package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/redact"
)

// AppliedFrom returns a check.Input.Applied hook that reads, from the
// database url names, which migrations have run: the history table of
// each migration tool in use, in a READ ONLY transaction. A dirty or
// failed entry is an error that names it: the database needs repair
// before anything is deployed on it.
func AppliedFrom(ctx context.Context, url string) func([]*migration.Migration) ([]bool, error) {
	return func(ms []*migration.Migration) ([]bool, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		out := make([]bool, len(ms))
		var conn *pgx.Conn
		defer func() {
			if conn != nil {
				_ = conn.Close(context.WithoutCancel(ctx))
			}
		}()
		history := map[string]migration.Applied{} // by history table: goose Go and SQL share one
		for i, m := range ms {
			if m.Down {
				continue
			}
			h, err := historyOf(m)
			if err != nil {
				return nil, err
			}
			a, seen := history[h.Reader]
			if !seen {
				if conn == nil {
					if conn, err = pgdb.ConnectReadOnly(ctx, url); err != nil {
						return nil, err
					}
				}
				read, err := pgdb.AppliedMigrations(ctx, conn, h.Reader)
				if err != nil {
					return nil, fmt.Errorf("--pending-from %s: %w", redact.ConnString(url), err)
				}
				if len(read.Problems) > 0 {
					return nil, fmt.Errorf("--pending-from %s: %s", redact.ConnString(url), strings.Join(read.Problems, "; "))
				}
				a = migration.Applied{Versions: read.Versions, Baseline: read.Baseline}
				history[h.Reader] = a
			}
			out[i] = h.Ran(m, a)
		}
		return out, nil
	}
}

// historyOf is the history table of a migration's tool.
func historyOf(m *migration.Migration) (*migration.History, error) {
	if h := m.Format.Tool().History; h != nil {
		return h, nil
	}
	if !m.Format.Tool().Versioned {
		return nil, fmt.Errorf("--pending-from: %s is a plain SQL file, and plain SQL files have no history table to read: name the tool with --migration-format", m.Path)
	}
	return nil, fmt.Errorf("--pending-from: reading which %s migrations have run is not supported (%s)", m.Format, m.Path)
}
