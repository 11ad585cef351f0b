package lsp_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/internal/refs/scan"
)

// schemaMigration1000 is a 1,000-line migration of the usual kind: new
// tables with their indexes, a few columns added to an existing table,
// comments in several scripts. It has about a hundred findings.
func schemaMigration1000() string {
	var b strings.Builder
	lines := 0
	for i := 0; lines < 1000; i++ {
		chunk := fmt.Sprintf(`-- table %d: naïve café ☕ 🚀
CREATE TABLE t%d (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    name text NOT NULL,
    note varchar(200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_t%d_account ON t%d (account_id);
COMMENT ON TABLE t%d IS 'ü';
`, i, i, i, i, i)
		if i%10 == 0 {
			chunk += fmt.Sprintf("ALTER TABLE users ADD COLUMN c%d text;\n", i)
		}
		b.WriteString(chunk)
		lines += strings.Count(chunk, "\n")
	}
	return b.String()
}

// unsafeMigration1000 is a 1,000-line migration in which almost every
// statement is flagged: about 450 findings, the worst case for the size
// of the diagnostics.
func unsafeMigration1000() string {
	var b strings.Builder
	lines := 0
	for i := 0; lines < 1000; i++ {
		chunk := fmt.Sprintf(`-- step %d: naïve café ☕ 🚀
CREATE TABLE IF NOT EXISTS t%d (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    note varchar(200),
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE users ADD COLUMN c%d text;
CREATE INDEX idx_users_c%d ON users (c%d);
ALTER TABLE orders ADD CONSTRAINT orders_fk%d FOREIGN KEY (user_id) REFERENCES users (id);
UPDATE users SET c%d = 'ü' WHERE id < 100;
`, i, i, i, i, i, i, i)
		b.WriteString(chunk)
		lines += strings.Count(chunk, "\n")
	}
	return b.String()
}

// saveRoundTrips measures didSave -> publishDiagnostics b.N times: to
// the first byte of the notification (the server's time) and to the
// client library having decoded it. With edit set, each save follows an
// edit that was not linted yet (typed and saved within the debounce), so
// every save lints the migration from scratch; otherwise the text was
// linted as it was typed, as it usually is.
func saveRoundTrips(b *testing.B, c *client, uri, text string, edit bool) {
	var server, full []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if edit {
			c.change(uri, int32(i+2), fmt.Sprintf("%s-- edit %d\n", text, i))
		}
		c.arrival.arm()
		start := time.Now()
		c.notify("textDocument/didSave", lsp.DidSaveTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}})
		p := c.waitDiagnostics(uri)
		full = append(full, time.Since(start))
		server = append(server, c.arrival.since(start))
		if len(p.Diagnostics) == 0 {
			b.Fatal("no diagnostics")
		}
	}
	b.StopTimer()
	pct := func(ds []time.Duration, q float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(server, 0.50), "server-p50-ms")
	b.ReportMetric(pct(server, 0.99), "server-p99-ms")
	b.ReportMetric(pct(full, 0.50), "p50-ms")
	b.ReportMetric(pct(full, 0.99), "p99-ms")
}

// BenchmarkOnSave is the editor's on-save round trip, from didSave to
// the diagnostics, for a 1,000-line migration in a migration directory:
// a usual one and one where nearly every statement is flagged, saved as
// linted while typing or right after an edit. p50-ms and p99-ms include
// the client library decoding the diagnostics; server-p50-ms and
// server-p99-ms stop at their first byte.
func BenchmarkOnSave(b *testing.B) {
	for _, bc := range []struct {
		name string
		text string
	}{
		{"schema", schemaMigration1000()},
		{"unsafe", unsafeMigration1000()},
	} {
		for _, edit := range []bool{false, true} {
			name := bc.name + "/saved"
			if edit {
				name = bc.name + "/edited-then-saved"
			}
			b.Run(name, func(b *testing.B) {
				root := b.TempDir()
				dir := filepath.Join(root, "db", "migrations")
				for i := 1; i <= 20; i++ {
					writeFile(b, filepath.Join(dir, fmt.Sprintf("%03d_before.sql", i)), fmt.Sprintf("CREATE TABLE before%d (id bigint PRIMARY KEY, v text);\n", i))
				}
				path := filepath.Join(dir, "100_big.sql")
				writeFile(b, path, bc.text)
				c := startServer(b, lsp.Options{Debounce: time.Hour})
				c.initialize(root, editorCaps(), nil)
				uri := c.open(path, bc.text)
				c.waitDiagnostics(uri)
				saveRoundTrips(b, c, uri, bc.text, edit)
				c.shutdown()
			})
		}
	}
}

// BenchmarkOnSaveCheck is the same round trip with check's findings:
// a pending migration checked against a deployed release of 200
// migrations, from indexes built once.
func BenchmarkOnSaveCheck(b *testing.B) {
	repo := b.TempDir()
	files := map[string]string{
		"schemagate.yaml":       "previous: main\nmigrations:\n  - dir: db/migrations\n",
		"queries/customers.sql": "-- name: Nick :one\nSELECT nickname FROM customers WHERE id = $1;\n",
	}
	files["db/migrations/000_customers.sql"] = "CREATE TABLE customers (id bigint PRIMARY KEY, nickname text);\n"
	for i := 1; i <= 200; i++ {
		files[fmt.Sprintf("db/migrations/%03d_t.sql", i)] = fmt.Sprintf("CREATE TABLE t%d (id bigint PRIMARY KEY, v text);\nCREATE INDEX ON t%d (v);\n", i, i)
	}
	gitRepo(b, repo, files)
	text := "ALTER TABLE customers DROP COLUMN nickname;\n" + schemaMigration1000()
	path := filepath.Join(repo, "db/migrations/999_big.sql")
	writeFile(b, path, text)
	c := startServer(b, lsp.Options{Linter: lsp.NewLinter(lsp.LinterOptions{Cache: &scan.Cache{Dir: b.TempDir()}})})
	c.initialize(repo, editorCaps(), nil)
	uri := c.open(path, text)
	c.waitDiagnostics(uri)
	c.waitLog("checking pending migrations")
	c.waitDiagnostics(uri)
	saveRoundTrips(b, c, uri, text, false)
	c.shutdown()
}
