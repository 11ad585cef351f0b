package migrations

import (
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// mapFS copies the fixture tree into memory, the way a git revision is
// read through another fs.FS.
func mapFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS(fixtures)
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const (
	gooseTriggerUp = `ALTER TABLE users ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();`
	splitAdvice = "goose ends a statement at this ';', which is inside the statement (a string or function body): wrap the statement in '-- +goose StatementBegin' and '-- +goose StatementEnd'"
)

type discoverCase struct {
	name        string
	dir         string
	opt         migration.Options
	format      migration.Format
	migrations  []summary
	skipped     []migration.Skipped
	skipRegions bool // compare everything but region texts (long repeats)
}

var discoverCases = []discoverCase{
	{
		name:   "plain sql in name order with numeric prefixes",
		dir:    "sql/basic",
		format: migration.FormatSQL,
		migrations: []summary{
			{Path: "sql/basic/001_create_users.sql", Version: "001", Name: "create_users", Order: 0,
				Regions: []string{"-- Users of the application.\nCREATE TABLE users (\n    id bigserial PRIMARY KEY,\n    name text NOT NULL\n);"}},
			{Path: "sql/basic/002_add_email.sql", Version: "002", Name: "add_email", Order: 1,
				Regions: []string{"BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCREATE UNIQUE INDEX users_email_key ON users (email);\nCOMMIT;"}},
			{Path: "sql/basic/003_saved_with_bom.sql", Version: "003", Name: "saved_with_bom", Order: 2,
				Regions: []string{"ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();"}},
			{Path: "sql/basic/10_backfill_names.sql", Version: "10", Name: "backfill_names", Order: 3,
				Regions: []string{"UPDATE users SET name = initcap(name) WHERE name <> initcap(name);"}},
			{Path: "sql/basic/seed.sql", Version: "seed", Name: "seed", Order: 4,
				Regions: []string{"INSERT INTO users (name) VALUES ('admin');"}},
		},
		skipped: []migration.Skipped{
			{Path: "sql/basic/004_empty.sql", Reason: "empty file"},
			{Path: "sql/basic/005_screenshot.sql", Reason: "binary file"},
			{Path: "sql/basic/006_latin1.sql", Reason: "not valid UTF-8 (first bad byte at line 2, column 41)"},
		},
	},
	{
		name:   "golang-migrate up files only",
		dir:    "golang-migrate/basic",
		format: migration.FormatGolangMigrate,
		migrations: []summary{
			{Path: "golang-migrate/basic/000001_create_accounts.up.sql", Version: "1", Name: "create_accounts", Order: 0, Transactional: true,
				Regions: []string{"CREATE TABLE accounts (\n    id bigserial PRIMARY KEY,\n    email text NOT NULL,\n    created_at timestamptz NOT NULL DEFAULT now()\n);\n\nCREATE UNIQUE INDEX accounts_email_key ON accounts (email);"}},
			{Path: "golang-migrate/basic/000002_index_accounts_created_at.up.sql", Version: "2", Name: "index_accounts_created_at", Order: 1,
				Regions: []string{"-- One statement: migrate sends it alone, so CONCURRENTLY works.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_created_at_idx ON accounts (created_at);"}},
			{Path: "golang-migrate/basic/000010_add_status.up.sql", Version: "10", Name: "add_status", Order: 2, Transactional: true,
				Regions: []string{"BEGIN;\nALTER TABLE accounts ADD COLUMN status text;\nUPDATE accounts SET status = 'active';\nCOMMIT;"}},
		},
		skipped: []migration.Skipped{
			{Path: "golang-migrate/basic/000003_add_city.up.sql", Reason: "not valid UTF-8 (first bad byte at line 1, column 53)"},
			{Path: "golang-migrate/basic/schema.sql", Reason: "not a golang-migrate file name (<version>_<name>.up.sql): migrate ignores it"},
		},
	},
	{
		name:   "golang-migrate with down files, newest down first",
		dir:    "golang-migrate/basic",
		opt:    migration.Options{IncludeDown: true},
		format: migration.FormatGolangMigrate,
		migrations: []summary{
			{Path: "golang-migrate/basic/000001_create_accounts.up.sql", Version: "1", Name: "create_accounts", Order: 0, Transactional: true},
			{Path: "golang-migrate/basic/000002_index_accounts_created_at.up.sql", Version: "2", Name: "index_accounts_created_at", Order: 1},
			{Path: "golang-migrate/basic/000010_add_status.up.sql", Version: "10", Name: "add_status", Order: 2, Transactional: true},
			{Path: "golang-migrate/basic/000010_add_status.down.sql", Version: "10", Name: "add_status", Order: 3, Down: true},
			{Path: "golang-migrate/basic/000002_index_accounts_created_at.down.sql", Version: "2", Name: "index_accounts_created_at", Order: 4, Down: true},
			{Path: "golang-migrate/basic/000001_create_accounts.down.sql", Version: "1", Name: "create_accounts", Order: 5, Down: true},
		},
		skipped: []migration.Skipped{
			{Path: "golang-migrate/basic/000003_add_city.up.sql", Reason: "not valid UTF-8 (first bad byte at line 1, column 53)"},
			{Path: "golang-migrate/basic/schema.sql", Reason: "not a golang-migrate file name (<version>_<name>.up.sql): migrate ignores it"},
		},
		skipRegions: true,
	},
	{
		name:   "golang-migrate duplicate versions",
		dir:    "golang-migrate/duplicate",
		format: migration.FormatGolangMigrate,
		migrations: []summary{
			{Path: "golang-migrate/duplicate/001_create_invoices.up.sql", Version: "1", Name: "create_invoices", Order: 0,
				Regions:  []string{"CREATE TABLE invoices (id bigserial PRIMARY KEY);"},
				Problems: []string{"1:1: version 1 is also used by golang-migrate/duplicate/1_create_orders.up.sql: golang-migrate refuses duplicate versions"}},
			{Path: "golang-migrate/duplicate/1_create_orders.up.sql", Version: "1", Name: "create_orders", Order: 1,
				Regions:  []string{"CREATE TABLE orders (id bigserial PRIMARY KEY);"},
				Problems: []string{"1:1: version 1 is also used by golang-migrate/duplicate/001_create_invoices.up.sql: golang-migrate refuses duplicate versions"}},
			{Path: "golang-migrate/duplicate/2_add_total.up.sql", Version: "2", Name: "add_total", Order: 2,
				Regions: []string{"ALTER TABLE orders ADD COLUMN total numeric(12,2);"}},
		},
	},
	{
		name:   "goose up sections",
		dir:    "goose/basic",
		format: migration.FormatGoose,
		migrations: []summary{
			{Path: "goose/basic/00001_create_users.sql", Version: "1", Name: "create_users", Order: 0, Transactional: true,
				Regions: []string{"CREATE TABLE users (\n    id bigserial PRIMARY KEY,\n    username text NOT NULL,\n    email text NOT NULL\n);\nCREATE UNIQUE INDEX users_username_key ON users (username);"}},
			{Path: "goose/basic/00002_users_updated_at_trigger.sql", Version: "2", Name: "users_updated_at_trigger", Order: 1, Transactional: true,
				Regions: []string{gooseTriggerUp}},
			{Path: "goose/basic/00003_index_users_email.sql", Version: "3", Name: "index_users_email", Order: 2,
				Regions: []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);"}},
			{Path: "goose/basic/00004_audit_function.sql", Version: "4", Name: "audit_function", Order: 3, Transactional: true,
				Regions:  []string{"-- +goose StatementBegin\nCREATE FUNCTION audit_users() RETURNS trigger AS $$\nBEGIN\n    INSERT INTO users_audit (user_id, changed_at) VALUES (NEW.id, now());\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;"},
				Problems: []string{"2:1: '-- +goose StatementBegin' without '-- +goose StatementEnd' before '-- +goose Down'"}},
			{Path: "goose/basic/00005_forgot_annotations.sql", Version: "5", Name: "forgot_annotations", Order: 4, Transactional: true,
				Problems: []string{"1:1: no '-- +goose Up' annotation: goose refuses this file"}},
			{Path: "goose/basic/00006_normalize_function.sql", Version: "6", Name: "normalize_function", Order: 5, Transactional: true,
				Regions:  []string{"CREATE FUNCTION normalize_email(e text) RETURNS text AS $$\nBEGIN\n    RETURN lower(trim(e));\nEND;\n$$ LANGUAGE plpgsql IMMUTABLE;\nUPDATE users SET email = normalize_email(email);"},
				Problems: []string{"4:1: " + splitAdvice}},
			{Path: "goose/basic/20240102150405_add_profiles.sql", Version: "20240102150405", Name: "add_profiles", Order: 6, Transactional: true,
				Regions: []string{"CREATE TABLE profiles (\n    user_id bigint PRIMARY KEY REFERENCES users (id),\n    bio text\n);"}},
		},
		skipped: []migration.Skipped{
			{Path: "goose/basic/00007_copied_by_mistake.sql", Reason: "binary file"},
			{Path: "goose/basic/helpers.sql", Reason: "not a goose file name (<version>_<name>.sql): goose ignores it"},
		},
	},
	{
		name:   "goose with down sections",
		dir:    "goose/basic",
		opt:    migration.Options{IncludeDown: true},
		format: migration.FormatGoose,
		migrations: []summary{
			{Path: "goose/basic/00001_create_users.sql", Version: "1", Name: "create_users", Order: 0, Transactional: true},
			{Path: "goose/basic/00002_users_updated_at_trigger.sql", Version: "2", Name: "users_updated_at_trigger", Order: 1, Transactional: true},
			{Path: "goose/basic/00003_index_users_email.sql", Version: "3", Name: "index_users_email", Order: 2},
			{Path: "goose/basic/00004_audit_function.sql", Version: "4", Name: "audit_function", Order: 3, Transactional: true,
				Problems: []string{"2:1: '-- +goose StatementBegin' without '-- +goose StatementEnd' before '-- +goose Down'"}},
			{Path: "goose/basic/00005_forgot_annotations.sql", Version: "5", Name: "forgot_annotations", Order: 4, Transactional: true,
				Problems: []string{"1:1: no '-- +goose Up' annotation: goose refuses this file"}},
			{Path: "goose/basic/00006_normalize_function.sql", Version: "6", Name: "normalize_function", Order: 5, Transactional: true,
				Problems: []string{"4:1: " + splitAdvice}},
			{Path: "goose/basic/20240102150405_add_profiles.sql", Version: "20240102150405", Name: "add_profiles", Order: 6, Transactional: true},
			{Path: "goose/basic/20240102150405_add_profiles.sql", Version: "20240102150405", Name: "add_profiles", Order: 7, Transactional: true, Down: true,
				Regions: []string{"DROP TABLE profiles;"}},
			{Path: "goose/basic/00006_normalize_function.sql", Version: "6", Name: "normalize_function", Order: 8, Transactional: true, Down: true,
				Regions: []string{"DROP FUNCTION normalize_email(text);"}},
			{Path: "goose/basic/00004_audit_function.sql", Version: "4", Name: "audit_function", Order: 9, Transactional: true, Down: true,
				Regions: []string{"DROP FUNCTION audit_users();"}},
			{Path: "goose/basic/00003_index_users_email.sql", Version: "3", Name: "index_users_email", Order: 10, Down: true,
				Regions: []string{"DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;"}},
			{Path: "goose/basic/00002_users_updated_at_trigger.sql", Version: "2", Name: "users_updated_at_trigger", Order: 11, Transactional: true, Down: true,
				Regions: []string{"DROP TRIGGER users_set_updated_at ON users;\nDROP FUNCTION set_updated_at();\nALTER TABLE users DROP COLUMN updated_at;"}},
			{Path: "goose/basic/00001_create_users.sql", Version: "1", Name: "create_users", Order: 12, Transactional: true, Down: true,
				Regions: []string{"DROP TABLE users;"}},
		},
		skipped: []migration.Skipped{
			{Path: "goose/basic/00007_copied_by_mistake.sql", Reason: "binary file"},
			{Path: "goose/basic/helpers.sql", Reason: "not a goose file name (<version>_<name>.sql): goose ignores it"},
		},
		skipRegions: true,
	},
	{
		name:   "dbmate up blocks and transaction:false",
		dir:    "dbmate/basic",
		format: migration.FormatDbmate,
		migrations: []summary{
			{Path: "dbmate/basic/20240101090000_create_posts.sql", Version: "20240101090000", Name: "create_posts", Order: 0, Transactional: true,
				Regions: []string{"CREATE TABLE posts (\n    id bigserial PRIMARY KEY,\n    title text NOT NULL,\n    body text\n);"}},
			{Path: "dbmate/basic/20240102090000_index_posts_title.sql", Version: "20240102090000", Name: "index_posts_title", Order: 1,
				Regions: []string{"CREATE INDEX CONCURRENTLY posts_title_idx ON posts (title);"}},
			{Path: "dbmate/basic/20240103090000_add_slug.sql", Version: "20240103090000", Name: "add_slug", Order: 2, Transactional: true,
				Regions:  []string{"ALTER TABLE posts ADD COLUMN slug text;"},
				Problems: []string{"1:1: no '-- migrate:down' line: dbmate refuses this file (an empty down block is enough)"}},
			{Path: "dbmate/basic/20240104090000_backfill_slug.sql", Version: "20240104090000", Name: "backfill_slug", Order: 3,
				Regions: []string{"BEGIN;\nUPDATE posts SET slug = lower(replace(title, ' ', '-')) WHERE slug IS NULL;\nCOMMIT;"}},
			{Path: "dbmate/basic/20240106090000_statements_first.sql", Version: "20240106090000", Name: "statements_first", Order: 4, Transactional: true,
				Regions:  []string{"CREATE INDEX posts_title_trgm_idx ON posts USING gin (title gin_trgm_ops);"},
				Problems: []string{"1:1: SQL before '-- migrate:up': dbmate refuses this file"}},
		},
		skipped: []migration.Skipped{
			{Path: "dbmate/basic/20240105090000_placeholder.sql", Reason: "empty file"},
			{Path: "dbmate/basic/schema.sql", Reason: "file name does not start with a version number: dbmate ignores it"},
		},
	},
	{
		name:   "dbmate down blocks take their own transaction option",
		dir:    "dbmate/basic",
		opt:    migration.Options{IncludeDown: true},
		format: migration.FormatDbmate,
		migrations: []summary{
			{Path: "dbmate/basic/20240101090000_create_posts.sql", Version: "20240101090000", Name: "create_posts", Order: 0, Transactional: true},
			{Path: "dbmate/basic/20240102090000_index_posts_title.sql", Version: "20240102090000", Name: "index_posts_title", Order: 1},
			{Path: "dbmate/basic/20240103090000_add_slug.sql", Version: "20240103090000", Name: "add_slug", Order: 2, Transactional: true,
				Problems: []string{"1:1: no '-- migrate:down' line: dbmate refuses this file (an empty down block is enough)"}},
			{Path: "dbmate/basic/20240104090000_backfill_slug.sql", Version: "20240104090000", Name: "backfill_slug", Order: 3},
			{Path: "dbmate/basic/20240106090000_statements_first.sql", Version: "20240106090000", Name: "statements_first", Order: 4, Transactional: true,
				Problems: []string{"1:1: SQL before '-- migrate:up': dbmate refuses this file"}},
			{Path: "dbmate/basic/20240106090000_statements_first.sql", Version: "20240106090000", Name: "statements_first", Order: 5, Transactional: true, Down: true},
			{Path: "dbmate/basic/20240104090000_backfill_slug.sql", Version: "20240104090000", Name: "backfill_slug", Order: 6, Transactional: true, Down: true},
			{Path: "dbmate/basic/20240102090000_index_posts_title.sql", Version: "20240102090000", Name: "index_posts_title", Order: 7, Down: true},
			{Path: "dbmate/basic/20240101090000_create_posts.sql", Version: "20240101090000", Name: "create_posts", Order: 8, Transactional: true, Down: true},
		},
		skipped: []migration.Skipped{
			{Path: "dbmate/basic/20240105090000_placeholder.sql", Reason: "empty file"},
			{Path: "dbmate/basic/schema.sql", Reason: "file name does not start with a version number: dbmate ignores it"},
		},
		skipRegions: true,
	},
	{
		name:   "flyway versioned, then repeatable, recursive",
		dir:    "flyway/basic",
		format: migration.FormatFlyway,
		migrations: []summary{
			{Path: "flyway/basic/V1__create_customers.sql", Version: "1", Name: "create_customers", Order: 0, Transactional: true,
				Regions: []string{"CREATE TABLE customers (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    name varchar(200) NOT NULL\n);"}},
			{Path: "flyway/basic/V1.1__add_customer_email.sql", Version: "1.1", Name: "add_customer_email", Order: 1, Transactional: true,
				Regions: []string{"ALTER TABLE customers ADD COLUMN email varchar(320);"}},
			{Path: "flyway/basic/V1_2__backfill_customer_email.sql", Version: "1.2", Name: "backfill_customer_email", Order: 2, Transactional: true,
				Regions: []string{"UPDATE customers SET email = lower(name) || '@example.com' WHERE email IS NULL;"}},
			{Path: "flyway/basic/V2__index_customer_email.sql", Version: "2", Name: "index_customer_email", Order: 3,
				Regions: []string{"CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);\nANALYZE customers;"}},
			{Path: "flyway/basic/sub/V3__create_orders.sql", Version: "3", Name: "create_orders", Order: 4, Transactional: true,
				Regions: []string{"CREATE TABLE orders (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    customer_id bigint NOT NULL REFERENCES customers (id)\n);"}},
			{Path: "flyway/basic/V10__index_orders_customer.sql", Version: "10", Name: "index_orders_customer", Order: 5,
				Regions: []string{"CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);"}},
			{Path: "flyway/basic/V11__mixed_index.sql", Version: "11", Name: "mixed_index", Order: 6,
				Regions:  []string{"SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_id_customer_idx ON orders (id, customer_id);"},
				Problems: []string{"2:1: this statement cannot run in a transaction and the migration has others that can: Flyway refuses such a mix unless mixed=true; give it a migration of its own"}},
			{Path: "flyway/basic/R__customer_functions.sql", Name: "customer_functions", Order: 7, Transactional: true, Repeatable: true,
				Regions: []string{"CREATE OR REPLACE FUNCTION customer_label(c customers) RETURNS text\n    LANGUAGE sql IMMUTABLE AS $$ SELECT c.name || ' <' || c.email || '>' $$;"}},
			{Path: "flyway/basic/R__customer_views.sql", Name: "customer_views", Order: 8, Transactional: true, Repeatable: true,
				Regions: []string{"CREATE OR REPLACE VIEW active_customers AS\n    SELECT id, name, email FROM customers WHERE email IS NOT NULL;"}},
		},
		skipped: []migration.Skipped{
			{Path: "flyway/basic/afterMigrate.sql", Reason: "Flyway callback, not a migration"},
			{Path: "flyway/basic/cleanup_notes.sql", Reason: "not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql): Flyway ignores it"},
		},
	},
	{
		name:   "flyway undo files last with IncludeDown",
		dir:    "flyway/basic",
		opt:    migration.Options{IncludeDown: true},
		format: migration.FormatFlyway,
		migrations: []summary{
			{Path: "flyway/basic/V1__create_customers.sql", Version: "1", Name: "create_customers", Order: 0, Transactional: true},
			{Path: "flyway/basic/V1.1__add_customer_email.sql", Version: "1.1", Name: "add_customer_email", Order: 1, Transactional: true},
			{Path: "flyway/basic/V1_2__backfill_customer_email.sql", Version: "1.2", Name: "backfill_customer_email", Order: 2, Transactional: true},
			{Path: "flyway/basic/V2__index_customer_email.sql", Version: "2", Name: "index_customer_email", Order: 3},
			{Path: "flyway/basic/sub/V3__create_orders.sql", Version: "3", Name: "create_orders", Order: 4, Transactional: true},
			{Path: "flyway/basic/V10__index_orders_customer.sql", Version: "10", Name: "index_orders_customer", Order: 5},
			{Path: "flyway/basic/V11__mixed_index.sql", Version: "11", Name: "mixed_index", Order: 6,
				Problems: []string{"2:1: this statement cannot run in a transaction and the migration has others that can: Flyway refuses such a mix unless mixed=true; give it a migration of its own"}},
			{Path: "flyway/basic/R__customer_functions.sql", Name: "customer_functions", Order: 7, Transactional: true, Repeatable: true},
			{Path: "flyway/basic/R__customer_views.sql", Name: "customer_views", Order: 8, Transactional: true, Repeatable: true},
			{Path: "flyway/basic/U2__index_customer_email.sql", Version: "2", Name: "index_customer_email", Order: 9, Down: true},
		},
		skipped: []migration.Skipped{
			{Path: "flyway/basic/afterMigrate.sql", Reason: "Flyway callback, not a migration"},
			{Path: "flyway/basic/cleanup_notes.sql", Reason: "not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql): Flyway ignores it"},
		},
		skipRegions: true,
	},
	{
		name:   "prisma migration directories",
		dir:    "prisma/basic/migrations",
		format: migration.FormatPrisma,
		migrations: []summary{
			{Path: "prisma/basic/migrations/20240101000000_init/migration.sql", Version: "20240101000000", Name: "init", Order: 0, Transactional: true,
				Regions: []string{"-- CreateTable\nCREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"email\" TEXT NOT NULL,\n    \"name\" TEXT,\n\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");"}},
			{Path: "prisma/basic/migrations/20240215093000_add_post_index/migration.sql", Version: "20240215093000", Name: "add_post_index", Order: 1,
				Regions: []string{"-- CreateIndex\nCREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");"}},
		},
		skipped: []migration.Skipped{
			{Path: "prisma/basic/migrations/20240301120000_drafts", Reason: "no migration.sql in this migration directory"},
			{Path: "prisma/basic/migrations/20240410080000_add_published/migration.sql", Reason: "empty file"},
		},
	},
	{
		name:   "sqitch plan order from the project root",
		dir:    "sqitch/basic",
		format: migration.FormatSqitch,
		migrations: []summary{
			{Path: "sqitch/basic/deploy/appschema.sql", Version: "appschema", Name: "appschema", Order: 0,
				Regions: []string{"-- Deploy flipr:appschema to pg\n\nBEGIN;\n\nCREATE SCHEMA flipr;\n\nCOMMIT;"}},
			{Path: "sqitch/basic/deploy/users@v1.0.sql", Version: "users@v1.0", Name: "users", Order: 1,
				Regions: []string{"-- Deploy flipr:users to pg\n-- requires: appschema\n\nBEGIN;\n\nCREATE TABLE flipr.users (\n    nickname text PRIMARY KEY,\n    password text NOT NULL,\n    timestamp timestamptz NOT NULL DEFAULT NOW()\n);\n\nCOMMIT;"}},
			{Path: "sqitch/basic/sqitch.plan", Version: "flips", Name: "flips", Order: 2,
				Problems: []string{`10:1: change "flips" has no deploy script sqitch/basic/deploy/flips.sql`}},
			{Path: "sqitch/basic/deploy/users.sql", Version: "users", Name: "users", Order: 3,
				Regions: []string{"-- Deploy flipr:users to pg\n-- requires: appschema\n\nBEGIN;\n\nALTER TABLE flipr.users ADD COLUMN twitter text NOT NULL DEFAULT '';\n\nCOMMIT;"}},
		},
		skipped: []migration.Skipped{{Path: "sqitch/basic/deploy/old_experiment.sql", Reason: "not in sqitch/basic/sqitch.plan: sqitch does not deploy it"}},
	},
	{
		name:   "sqitch from the deploy directory",
		dir:    "sqitch/basic/deploy",
		format: migration.FormatSqitch,
		migrations: []summary{
			{Path: "sqitch/basic/deploy/appschema.sql", Version: "appschema", Name: "appschema", Order: 0},
			{Path: "sqitch/basic/deploy/users@v1.0.sql", Version: "users@v1.0", Name: "users", Order: 1},
			{Path: "sqitch/basic/sqitch.plan", Version: "flips", Name: "flips", Order: 2,
				Problems: []string{`10:1: change "flips" has no deploy script sqitch/basic/deploy/flips.sql`}},
			{Path: "sqitch/basic/deploy/users.sql", Version: "users", Name: "users", Order: 3},
		},
		skipped:     []migration.Skipped{{Path: "sqitch/basic/deploy/old_experiment.sql", Reason: "not in sqitch/basic/sqitch.plan: sqitch does not deploy it"}},
		skipRegions: true,
	},
	{
		name:   "sqitch top_dir from sqitch.conf",
		dir:    "sqitch/conf",
		format: migration.FormatSqitch,
		migrations: []summary{
			{Path: "sqitch/conf/db/deploy/widgets.sql", Version: "widgets", Name: "widgets", Order: 0,
				Regions: []string{"BEGIN;\nCREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL);\nCOMMIT;"}},
		},
	},
	{
		name:   "mixed markers are plain sql",
		dir:    "mixed",
		format: migration.FormatSQL,
		migrations: []summary{
			{Path: "mixed/001_goose_style.sql", Version: "001", Name: "goose_style", Order: 0,
				Regions: []string{"-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;"}},
			{Path: "mixed/002_dbmate_style.sql", Version: "002", Name: "dbmate_style", Order: 1,
				Regions: []string{"-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;"}},
		},
	},
	{
		name:   "forced format overrides detection",
		dir:    "mixed",
		opt:    migration.Options{Format: migration.FormatGoose},
		format: migration.FormatGoose,
		migrations: []summary{
			{Path: "mixed/001_goose_style.sql", Version: "1", Name: "goose_style", Order: 0, Transactional: true,
				Regions: []string{"CREATE TABLE a (id int);"}},
			{Path: "mixed/002_dbmate_style.sql", Version: "2", Name: "dbmate_style", Order: 1, Transactional: true,
				Problems: []string{"1:1: no '-- +goose Up' annotation: goose refuses this file"}},
		},
	},
}

func TestDiscover(t *testing.T) {
	systems := []struct {
		name string
		fsys fs.FS
	}{
		{"os.DirFS", os.DirFS(fixtures)},
		{"fstest.MapFS", mapFS(t)},
	}
	for _, sys := range systems {
		for _, tc := range discoverCases {
			t.Run(sys.name+"/"+tc.name, func(t *testing.T) {
				set, err := Discover(sys.fsys, tc.dir, tc.opt)
				if err != nil {
					t.Fatal(err)
				}
				if set.Dir != tc.dir || set.Format != tc.format {
					t.Errorf("set = %s %s, want %s %s", set.Dir, set.Format, tc.dir, tc.format)
				}
				got := summarizeAll(set.Migrations)
				if tc.skipRegions {
					for i := range got {
						if len(tc.migrations) > i && tc.migrations[i].Regions == nil {
							got[i].Regions = nil
						}
					}
				}
				if diff := cmp.Diff(tc.migrations, got); diff != "" {
					t.Errorf("migrations (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.skipped, set.Skipped); diff != "" {
					t.Errorf("skipped (-want +got):\n%s", diff)
				}
				for _, m := range set.Migrations {
					if m.File.Path != m.Path || m.Format != tc.format {
						t.Errorf("%s: File.Path %s, Format %s", m.Path, m.File.Path, m.Format)
					}
				}
			})
		}
	}
}

// Migrations must parse cleanly through the caller's Parse: regions
// point at real SQL.
func TestDiscoveredRegionsParse(t *testing.T) {
	set, err := Discover(os.DirFS(fixtures), "goose/basic", migration.Options{IncludeDown: true})
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	for _, m := range set.Migrations {
		m.Parse()
		if len(m.SyntaxErrors) != 0 {
			t.Errorf("%s: %v", m.Path, m.SyntaxErrors[0])
		}
		counts = append(counts, len(m.Statements))
	}
	// up: 2, 3, 1, 1, 0, 2, 1; down: 1, 1, 1, 1, 3, 1
	want := []int{2, 3, 1, 1, 0, 2, 1, 1, 1, 1, 1, 3, 1}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("statements per migration (-want +got):\n%s", diff)
	}
}
