package verify

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/redact"
)

// AppliedFrom returns a check.Input.Applied hook that reads, from the
// database url names, which migrations have run: the history table of
// each migration tool in use, in a READ ONLY transaction. A dirty or
// failed entry is an error that names it: the database needs repair
// before anything is deployed on it.
func AppliedFrom(ctx context.Context, url string) func([]*migrations.Migration) ([]bool, error) {
	return func(ms []*migrations.Migration) ([]bool, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		out := make([]bool, len(ms))
		var conn *pgx.Conn
		defer func() {
			if conn != nil {
				_ = conn.Close(context.WithoutCancel(ctx))
			}
		}()
		history := map[migrations.Format]*pgdb.Applied{}
		for i, m := range ms {
			if m.Down {
				continue
			}
			a, seen := history[m.Format]
			if !seen {
				table, err := historyFormat(m)
				if err != nil {
					return nil, err
				}
				if conn == nil {
					if conn, err = pgdb.ConnectReadOnly(ctx, url); err != nil {
						return nil, err
					}
				}
				if a, err = pgdb.AppliedMigrations(ctx, conn, table); err != nil {
					return nil, fmt.Errorf("--pending-from %s: %w", redact.ConnString(url), err)
				}
				if len(a.Problems) > 0 {
					return nil, fmt.Errorf("--pending-from %s: %s", redact.ConnString(url), strings.Join(a.Problems, "; "))
				}
				history[m.Format] = a
			}
			out[i] = hasRun(a, m)
		}
		return out, nil
	}
}

// historyFormat is the pgdb history format of a migration's tool.
func historyFormat(m *migrations.Migration) (string, error) {
	switch m.Format {
	case migrations.FormatGolangMigrate, migrations.FormatGoose, migrations.FormatDbmate, migrations.FormatFlyway,
		migrations.FormatPrisma, migrations.FormatSqitch, migrations.FormatRails, migrations.FormatDjango:
		return string(m.Format), nil
	case migrations.FormatGooseGo:
		return string(migrations.FormatGoose), nil // goose_db_version holds Go and SQL migrations alike
	case migrations.FormatSQL:
		return "", fmt.Errorf("--pending-from: %s is a plain SQL file, and plain SQL files have no history table to read: name the tool with --migration-format", m.Path)
	}
	return "", fmt.Errorf("--pending-from: reading which %s migrations have run is not supported (%s)", m.Format, m.Path)
}

// hasRun matches a migration against its tool's history.
func hasRun(a *pgdb.Applied, m *migrations.Migration) bool {
	switch m.Format {
	case migrations.FormatGolangMigrate:
		// One row: the version reached; everything up to it has run.
		for _, v := range a.Versions {
			if compareVersions(m.Version, v) <= 0 {
				return true
			}
		}
		return false
	case migrations.FormatFlyway:
		if a.Baseline != "" && compareVersions(m.Version, a.Baseline) <= 0 {
			return true
		}
		for _, v := range a.Versions {
			if compareVersions(m.Version, v) == 0 {
				return true
			}
		}
		return false
	case migrations.FormatPrisma:
		return a.Has(path.Base(path.Dir(m.Path)))
	case migrations.FormatSqitch:
		return a.Has(m.Name)
	case migrations.FormatDjango:
		// <app>/migrations/<name>.py is recorded as app/name.
		dir := path.Dir(m.Path)
		if path.Base(dir) == "migrations" {
			return a.Has(path.Base(path.Dir(dir)) + "/" + strings.TrimSuffix(path.Base(m.Path), ".py"))
		}
		return false
	}
	for _, v := range a.Versions {
		if v == m.Version || compareVersions(m.Version, v) == 0 {
			return true
		}
	}
	return false
}

// compareVersions compares dotted versions part by part, numerically
// where both parts are numbers: "0003" == "3", "1.10" > "1.9", "1.0" == "1".
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := compareNumbers(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func compareNumbers(x, y string) int {
	if !digits(x) || !digits(y) {
		return strings.Compare(x, y)
	}
	x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
	if len(x) != len(y) {
		if len(x) < len(y) {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
