package rails

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

func readSchemaFile(t *testing.T) *source.File {
	t.Helper()
	text, err := os.ReadFile(appDir + "/db/schema.rb")
	if err != nil {
		t.Fatal(err)
	}
	return source.NewFile("db/schema.rb", text)
}

// summary renders a catalog as sorted lines for comparison.
func summary(c *catalog.Catalog) []string {
	var out []string
	for _, k := range c.TableNames() {
		tb := c.Tables[k]
		for _, col := range tb.Columns {
			line := fmt.Sprintf("%s.%s %s", k, col.Name, col.Type)
			if col.NotNull {
				line += " not null"
			}
			if col.HasDefault {
				line += " default " + col.DefaultSQL()
			}
			out = append(out, line)
		}
		var names []string
		for n, con := range tb.Constraints {
			names = append(names, fmt.Sprintf("%s constraint %s %s(%s)", k, n, con.Type, strings.Join(con.Columns, ",")))
		}
		sort.Strings(names)
		out = append(out, names...)
	}
	var idx []string
	for k, i := range c.Indexes {
		idx = append(idx, fmt.Sprintf("index %s on %s(%s) unique=%v", k, i.Table, strings.Join(i.Columns, ","), i.Unique))
	}
	sort.Strings(idx)
	out = append(out, idx...)
	var objs []string
	for k, o := range c.Objects {
		objs = append(objs, fmt.Sprintf("%s %v", k, o.Values))
	}
	sort.Strings(objs)
	return append(out, objs...)
}

func TestReadSchemaRB(t *testing.T) {
	c, notes := ReadSchemaRB(readSchemaFile(t))
	for _, n := range notes {
		t.Errorf("unexpected note %s at %d:%d: %s", n.Kind, n.Span.Start.Line, n.Span.Start.Column, n.Message)
	}
	want := []string{
		"public.accounts.id bigint not null default nextval(...)",
		"public.accounts.name character varying not null",
		"public.accounts.plan character varying not null default 'free'",
		"public.accounts.seats integer default 1",
		"public.accounts.created_at timestamp(6) without time zone not null",
		"public.accounts.updated_at timestamp(6) without time zone not null",
		"public.accounts constraint accounts_pkey primary-key(id)",
		"public.events.id uuid not null default gen_random_uuid()",
		"public.events.user_id bigint not null",
		"public.events.name character varying default 'event'",
		"public.events.occurred_at timestamp(6) without time zone",
		"public.events.archived_at timestamp without time zone",
		"public.events constraint events_pkey primary-key(id)",
		"public.events constraint fk_rails_0cb5590091 foreign-key(user_id)",
		"public.events constraint name_present check()",
		"public.legacy_items.id integer not null default nextval(...)",
		"public.legacy_items.body text",
		"public.legacy_items constraint legacy_items_pkey primary-key(id)",
		"public.posts_labels.post_id bigint not null",
		"public.posts_labels.label_id bigint not null",
		"public.users.id bigint not null default nextval(...)",
		"public.users.account_id bigint",
		"public.users.email character varying(320) not null default ''",
		"public.users.admin boolean default false",
		"public.users.balance numeric(10,2) default 0.0",
		"public.users.settings jsonb not null default '{}'",
		"public.users.tags character varying[] default '{}'",
		"public.users.mood mood default 'happy'",
		"public.users.created_at timestamp(6) without time zone not null",
		"public.users.updated_at timestamp(6) without time zone not null",
		"public.users constraint users_account_fk foreign-key(account_id)",
		"public.users constraint users_pkey primary-key(id)",
		"index public.accounts_pkey on public.accounts(id) unique=true",
		"index public.events_pkey on public.events(id) unique=true",
		"index public.index_accounts_on_name on public.accounts(name) unique=true",
		"index public.index_events_on_user_id on public.events(user_id) unique=false",
		"index public.index_posts_labels_on_post_id_and_label_id on public.posts_labels(post_id,label_id) unique=true",
		"index public.index_users_on_lower_email on public.users(lower(email::text)) unique=true",
		"index public.legacy_items_pkey on public.legacy_items(id) unique=true",
		"index public.users_by_account on public.users(account_id) unique=false",
		"index public.users_pkey on public.users(id) unique=true",
		"enum:public.mood [happy sad]",
		"extension:public.pgcrypto []",
		"extension:public.plpgsql []",
	}
	if diff := cmp.Diff(want, summary(c)); diff != "" {
		t.Errorf("catalog from schema.rb (-want +got):\n%s", diff)
	}
}

// TestSchemaRBNotes: what schema.rb holds that the reader cannot use is
// reported, and a broken file still gives what precedes the error.
func TestSchemaRBNotes(t *testing.T) {
	src := `ActiveRecord::Schema[7.0].define(version: 2024_01_01_000000) do
  create_table "users", force: :cascade do |t|
    t.string "email"
  end

  create_function :touch_updated_at, sql_definition: <<-'SQL'
      CREATE OR REPLACE FUNCTION public.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$
  SQL

  create_table "posts", force: :cascade do |t|
    t.string "title"
  end
  add_foreign_key "posts", "users", column: "author_id" (
end
`
	c, notes := ReadSchemaRB(source.NewFile("db/schema.rb", []byte(src)))
	var got []string
	for _, n := range notes {
		got = append(got, fmt.Sprintf("%s %d", n.Kind, n.Span.Start.Line))
	}
	want := []string{"syntax-error 13", "unrecognised-migration-code 6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if c.Tables["public.users"] == nil || c.Tables["public.posts"] == nil {
		t.Errorf("tables = %v, want users and posts", c.TableNames())
	}
	old, notes := ReadSchemaRB(source.NewFile("db/schema.rb", []byte(`ActiveRecord::Schema.define(version: 2021_01_01_000000) do
  create_table "users", force: :cascade do |t|
    t.datetime "seen_at"
    t.datetime "created_at", precision: 6, null: false
  end
end
`)))
	if typ := fmt.Sprint(old.Tables["public.users"].Column("seen_at").Type, " ", old.Tables["public.users"].Column("created_at").Type); len(notes) > 0 || typ != "timestamp without time zone timestamp(6) without time zone" {
		t.Errorf("a Rails 6.1 dump: %s, notes %+v", typ, notes)
	}
	if _, notes := ReadSchemaRB(source.NewFile("db/schema.rb", []byte("# empty\n"))); len(notes) != 1 || !strings.Contains(notes[0].Message, "no ActiveRecord::Schema.define") {
		t.Errorf("empty schema notes = %+v", notes)
	}
}

// TestCatalogSeedsTheReplay: with the schema file's catalog, names
// chosen before the first migration we read are found.
func TestCatalogSeedsTheReplay(t *testing.T) {
	c, _ := ReadSchemaRB(readSchemaFile(t))
	m := newMigration("20240401000000", "cleanup", class("7.1", `remove_index :users, :account_id
remove_foreign_key :users, :accounts
rename_table :legacy_items, :items
remove_column :users, :nickname, if_exists: true
add_index :users, :email unless index_exists?(:users, :email)
add_index :accounts, :name unless index_exists?(:accounts, :name)
`))
	tr := New().Translate([]*migration.Migration{m}, migration.TranslateOptions{Catalog: c})[0]
	var got []string
	for _, op := range tr.Ops {
		got = append(got, fmt.Sprintf("%s %s %s %s", op.Kind, op.Table, op.Object, op.NewName))
	}
	want := []string{
		"drop-index  users_by_account ",
		"drop-constraint users users_account_fk ",
		"rename-table legacy_items  items",
		"rename-index  legacy_items_pkey items_pkey",
		"rename-table public.legacy_items_id_seq  items_id_seq",
		"create-index users index_users_on_email ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
	if len(tr.Notes) != 0 {
		t.Errorf("notes: %+v", tr.Notes)
	}
	_ = slices.Contains[[]string]
}
