package verify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/verify"
)

// AppliedFrom matches each tool's history rows to its files the way the
// tool does: by version number (leading zeros do not count), Flyway's
// dotted versions and baseline, Prisma's directory name.
func TestAppliedFrom(t *testing.T) {
	tests := []struct {
		name   string
		setup  string
		format migration.Format
		files  []string // in apply order
		want   []bool
	}{
		{
			name:   "golang-migrate: everything up to the version reached",
			setup:  `CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, false)`,
			format: migration.FormatGolangMigrate,
			files:  []string{"migrations/000001_a.up.sql", "migrations/000002_b.up.sql", "migrations/000003_c.up.sql"},
			want:   []bool{true, true, false},
		},
		{
			name: "goose: applied rows, a later down undoes",
			setup: `CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());
				INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (2, false)`,
			format: migration.FormatGoose,
			files:  []string{"db/migrations/00001_a.sql", "db/migrations/00002_b.sql"},
			want:   []bool{true, false},
		},
		{
			name: "goose Go migrations: the same goose_db_version",
			setup: `CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());
				INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true)`,
			format: migration.FormatGooseGo,
			files:  []string{"db/migrations/00001_a.go", "db/migrations/00002_b.go"},
			want:   []bool{true, false},
		},
		{
			name: "flyway: baseline and versions",
			setup: `CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,
				script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
				INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, installed_by, execution_time, success) VALUES
				(1, '1.1', '<< Flyway Baseline >>', 'BASELINE', 'x', 'u', 0, true), (2, '1.2', 'b', 'SQL', 'V1_2__b.sql', 'u', 1, true)`,
			format: migration.FormatFlyway,
			files:  []string{"sql/V1__a.sql", "sql/V1.2__b.sql", "sql/V1.10__c.sql"},
			want:   []bool{true, true, false},
		},
		{
			name: "prisma: by directory name",
			setup: `CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz, migration_name varchar(255) NOT NULL,
				logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0);
				INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at) VALUES ('a', 'x', '20240101000000_init', now())`,
			format: migration.FormatPrisma,
			files:  []string{"prisma/migrations/20240101000000_init/migration.sql", "prisma/migrations/20240501000000_drop/migration.sql"},
			want:   []bool{true, false},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := pgtest.Database(t)
			mustExec(t, db, tc.setup)
			var ms []*migration.Migration
			for _, p := range tc.files {
				m := migrations.FromText(p, []byte("SELECT 1;\n"), tc.format)
				if tc.format.IsFramework() {
					m.Format = tc.format // FromText reads SQL only; the version is the file's number
				}
				ms = append(ms, m)
			}
			got, err := verify.AppliedFrom(context.Background(), db)(ms)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("applied (-want +got):\n%s", diff)
			}
		})
	}
}

// A failed Prisma migration is an error naming it and how to repair it.
func TestAppliedFromFailedEntry(t *testing.T) {
	db := pgtest.Database(t)
	mustExec(t, db, `CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz, migration_name varchar(255) NOT NULL,
		logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0);
		INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('a', 'x', '20240101000000_init')`)
	ms := []*migration.Migration{migrations.FromText("prisma/migrations/20240101000000_init/migration.sql", []byte("SELECT 1;\n"), migration.FormatPrisma)}
	_, err := verify.AppliedFrom(context.Background(), db)(ms)
	if err == nil || !strings.Contains(err.Error(), "migration 20240101000000_init failed") || !strings.Contains(err.Error(), "prisma migrate resolve") {
		t.Errorf("err = %v", err)
	}
}
