package code_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
)

// BenchmarkLint lints large migrations written in code, in process:
// discovery, translation (parse, walk, pg_query, operations) and the
// rules.
//
//   - go-list: one Go file holding a list of 2,000 migration functions,
//     three Exec calls each (~22,000 lines);
//   - goose-go: one goose Go migration of 5,000 Exec calls (~20,000 lines);
//   - typeorm: one TypeORM migration whose up() makes 5,000 calls, half
//     queryRunner.query, half builder calls (~5,000 lines).
func BenchmarkLint(b *testing.B) {
	for _, c := range []struct {
		name, file string
		text       func() string
	}{
		{"go-list", "migrations.go", goList},
		{"goose-go", "00001_large.go", gooseLarge},
		{"typeorm", "1700000000000-Large.ts", typeormLarge},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			text := c.text()
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				loaded := migrations.Paths([]string{dir}, migrations.PathOptions{})
				if len(loaded.Problems) > 0 {
					b.Fatal(loaded.Problems)
				}
				fs := lint.Run(loaded.Migrations, lint.Options{Config: config.Default(), Catalog: catalog.New()})
				if len(loaded.Migrations) == 0 || len(fs) == 0 {
					b.Fatalf("%d migrations, %d findings", len(loaded.Migrations), len(fs))
				}
			}
		})
	}
}

func goList() string {
	var s strings.Builder
	s.WriteString("package store\n\nimport \"database/sql\"\n\nvar migrations = []func(tx *sql.Tx) error{\n")
	for i := range 2000 {
		fmt.Fprintf(&s, `	func(tx *sql.Tx) error {
		if _, err := tx.Exec("CREATE TABLE t%[1]d (id bigint PRIMARY KEY, name text)"); err != nil {
			return err
		}
		if _, err := tx.Exec("ALTER TABLE t%[1]d ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()"); err != nil {
			return err
		}
		_, err := tx.Exec("CREATE INDEX users_c%[1]d ON users (c%[1]d)")
		return err
	},
`, i)
	}
	s.WriteString("}\n")
	return s.String()
}

func gooseLarge() string {
	var s strings.Builder
	s.WriteString("package migrations\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n\n\t\"github.com/pressly/goose/v3\"\n)\n\n")
	s.WriteString("func init() { goose.AddMigrationContext(up, nil) }\n\nfunc up(ctx context.Context, tx *sql.Tx) error {\n")
	for i := range 5000 {
		fmt.Fprintf(&s, "\tif _, err := tx.ExecContext(ctx, `ALTER TABLE t%d ADD COLUMN c%d integer`); err != nil {\n\t\treturn err\n\t}\n", i%200, i)
	}
	s.WriteString("\treturn nil\n}\n")
	return s.String()
}

func typeormLarge() string {
	var s strings.Builder
	s.WriteString("import { MigrationInterface, QueryRunner, TableColumn } from \"typeorm\";\n\n")
	s.WriteString("export class Large1700000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n")
	for i := range 5000 {
		if i%2 == 0 {
			fmt.Fprintf(&s, "    await queryRunner.query(`ALTER TABLE \"t%d\" ADD \"c%d\" integer`);\n", i%200, i)
		} else {
			fmt.Fprintf(&s, "    await queryRunner.addColumn(\"t%d\", new TableColumn({ name: \"c%d\", type: \"varchar\", isNullable: true }));\n", i%200, i)
		}
	}
	s.WriteString("  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n")
	return s.String()
}
