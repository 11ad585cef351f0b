package rails

import "testing"

// createUsers is an earlier migration the later cases build on.
const createUsers = `class CreateUsers < ActiveRecord::Migration[7.1]
  def change
    create_table :users do |t|
      t.string :email, null: false
      t.string :name
      t.references :account, foreign_key: true
      t.timestamps
    end
    add_index :users, :email, unique: true, name: "by_email"
    add_index :users, [:account_id, :name]
  end
end
`

// TestCallFamilies checks every migration method against the SQL the
// PostgreSQL adapter runs for it.
func TestCallFamilies(t *testing.T) {
	runSQLCases(t, []sqlCase{
		{
			name: "create_table with every kind of column",
			src: class("7.1", `create_table :products do |t|
  t.string :name, null: false, limit: 120
  t.text :description
  t.integer :stock, default: 0, null: false
  t.integer :small, limit: 2
  t.bigint :big
  t.decimal :price, precision: 10, scale: 2
  t.float :ratio
  t.boolean :active, default: true
  t.datetime :published_at
  t.date :release_on
  t.time :opens_at
  t.binary :blob
  t.json :meta
  t.jsonb :settings, default: {}
  t.uuid :token, default: "gen_random_uuid()"
  t.string :tags, array: true, default: []
  t.inet :ip
  t.column :code, "varchar(12)"
  t.references :shop, null: false, foreign_key: true
  t.belongs_to :owner, polymorphic: true
  t.timestamps
  t.index :name, unique: true
  t.check_constraint "price >= 0", name: "price_positive"
end
`),
			sql: `CREATE TABLE "products" ("id" bigserial primary key, "name" character varying(120) NOT NULL, "description" text,
  "stock" integer DEFAULT 0 NOT NULL, "small" smallint, "big" bigint, "price" decimal(10,2), "ratio" float,
  "active" boolean DEFAULT TRUE, "published_at" timestamp(6), "release_on" date, "opens_at" time, "blob" bytea,
  "meta" json, "settings" jsonb DEFAULT '{}', "token" uuid DEFAULT gen_random_uuid(), "tags" character varying[] DEFAULT '{}',
  "ip" inet, "code" varchar(12), "shop_id" bigint NOT NULL, "owner_type" character varying, "owner_id" bigint,
  "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL,
  CONSTRAINT "fk_rails_b169a26347" FOREIGN KEY ("shop_id") REFERENCES "shops" ("id"),
  CONSTRAINT price_positive CHECK (price >= 0));
CREATE INDEX "index_products_on_shop_id" ON "products" ("shop_id");
CREATE INDEX "index_products_on_owner" ON "products" ("owner_type", "owner_id");
CREATE UNIQUE INDEX "index_products_on_name" ON "products" ("name")`,
		},
		{
			name: "create_table id: :uuid, force: :cascade, if_not_exists, comment",
			// force: drops a table that is there (TestCreateTableForceOnANewTable
			// has one that is not).
			before: []string{class("7.1", "create_table :events\n")},
			src: class("7.1", `create_table :events, id: :uuid, force: :cascade, comment: "audit trail" do |t|
  t.string :kind
end
create_table :sessions, id: false, if_not_exists: true do |t|
  t.string :token, null: false, index: { unique: true }
end
create_table :codes, primary_key: :code, id: :string do |t|
  t.string :label
end
create_table :memberships, primary_key: [:user_id, :group_id] do |t|
  t.bigint :user_id
  t.bigint :group_id
end
create_table :counters, id: :bigint do |t|
end
`),
			sql: `DROP TABLE IF EXISTS "events" CASCADE;
CREATE TABLE "events" ("id" uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY, "kind" character varying);
COMMENT ON TABLE "events" IS 'audit trail';
CREATE TABLE IF NOT EXISTS "sessions" ("token" character varying NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "index_sessions_on_token" ON "sessions" ("token");
CREATE TABLE "codes" ("code" character varying NOT NULL PRIMARY KEY, "label" character varying);
CREATE TABLE "memberships" ("user_id" bigint, "group_id" bigint, PRIMARY KEY ("user_id", "group_id"));
CREATE TABLE "counters" ("id" bigserial NOT NULL PRIMARY KEY)`,
		},
		{
			name:   "add_column with null, default, limit, precision, array and a SQL default",
			before: []string{createUsers},
			src: class("7.1", `add_column :users, :nickname, :string, limit: 40
add_column :users, :score, :decimal, precision: 8, scale: 3, default: 1.5
add_column :users, :visits, :integer, null: false, default: 0
add_column :users, :roles, :string, array: true, default: ["member"]
add_column :users, :confirmed_at, :datetime, default: -> { "now()" }
add_column :users, :seen_at, :datetime, precision: nil
add_column :users, :token, :uuid, default: -> { "gen_random_uuid()" }, null: false
add_column :users, :prefs, :jsonb, null: false, default: { theme: "dark", beta: false }
`),
			sql: `ALTER TABLE "users" ADD "nickname" character varying(40);
ALTER TABLE "users" ADD "score" decimal(8,3) DEFAULT 1.5;
ALTER TABLE "users" ADD "visits" integer DEFAULT 0 NOT NULL;
ALTER TABLE "users" ADD "roles" character varying[] DEFAULT '{member}';
ALTER TABLE "users" ADD "confirmed_at" timestamp(6) DEFAULT now();
ALTER TABLE "users" ADD "seen_at" timestamp;
ALTER TABLE "users" ADD "token" uuid DEFAULT gen_random_uuid() NOT NULL;
ALTER TABLE "users" ADD "prefs" jsonb DEFAULT '{"theme":"dark","beta":false}' NOT NULL`,
		},
		{
			name:   "remove_column, remove_columns, rename_column renames its index",
			before: []string{createUsers},
			src: class("7.1", `remove_column :users, :name, :string
remove_column :users, :missing, if_exists: true
remove_columns :users, :created_at, :updated_at
rename_column :users, :account_id, :organisation_id
`),
			sql: `ALTER TABLE "users" DROP COLUMN "name";
ALTER TABLE "users" DROP COLUMN "created_at", DROP COLUMN "updated_at";
ALTER TABLE "users" RENAME COLUMN "account_id" TO "organisation_id";
ALTER INDEX "index_users_on_account_id" RENAME TO "index_users_on_organisation_id"`,
		},
		{
			name:   "change_column, change_column_null, change_column_default",
			before: []string{createUsers},
			src: class("7.1", `change_column :users, :name, :text
change_column :users, :email, :string, limit: 320, null: false, default: ""
change_column :users, :account_id, :integer, using: "account_id::integer"
change_column_null :users, :name, false, "anonymous"
change_column_null :users, :name, true
change_column_default :users, :name, from: nil, to: "someone"
change_column_default :users, :name, nil
`),
			sql: `ALTER TABLE "users" ALTER COLUMN "name" TYPE text;
ALTER TABLE "users" ALTER COLUMN "email" TYPE character varying(320), ALTER COLUMN "email" SET DEFAULT '', ALTER COLUMN "email" SET NOT NULL;
ALTER TABLE "users" ALTER COLUMN "account_id" TYPE integer USING account_id::integer;
UPDATE "users" SET "name"='anonymous' WHERE "name" IS NULL;
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;
ALTER TABLE "users" ALTER COLUMN "name" DROP NOT NULL;
ALTER TABLE "users" ALTER COLUMN "name" SET DEFAULT 'someone';
ALTER TABLE "users" ALTER COLUMN "name" DROP DEFAULT`,
		},
		{
			name:   "add_index and remove_index by name, by columns and by the name an earlier migration chose",
			before: []string{createUsers},
			src: `class IndexUsers < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def change
    add_index :users, :name, algorithm: :concurrently
    add_index :users, "lower(email)", unique: true, where: "email IS NOT NULL", algorithm: :concurrently
    add_index :users, :created_at, using: :brin, name: "users_created_brin"
    remove_index :users, :email, algorithm: :concurrently
    remove_index :users, column: [:account_id, :name]
    remove_index :users, name: "users_created_brin"
  end
end
`,
			notx: true,
			sql: `CREATE INDEX CONCURRENTLY "index_users_on_name" ON "users" ("name");
CREATE UNIQUE INDEX CONCURRENTLY "index_users_on_lower_email" ON "users" (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX "users_created_brin" ON "users" USING brin ("created_at");
DROP INDEX CONCURRENTLY "by_email";
DROP INDEX "index_users_on_account_id_and_name";
DROP INDEX "users_created_brin"`,
		},
		{
			name:   "add_reference, add_belongs_to and remove_reference",
			before: []string{createUsers},
			src: class("7.1", `add_reference :users, :team, null: false, foreign_key: true, index: { unique: true }
add_belongs_to :users, :manager, foreign_key: { to_table: :users, validate: false }, index: false
add_reference :users, :subject, polymorphic: true
remove_reference :users, :account, foreign_key: true, index: true
`),
			sql: `ALTER TABLE "users" ADD "team_id" bigint NOT NULL;
CREATE UNIQUE INDEX "index_users_on_team_id" ON "users" ("team_id");
ALTER TABLE "users" ADD CONSTRAINT "fk_rails_b2bbf87303" FOREIGN KEY ("team_id") REFERENCES "teams" ("id");
ALTER TABLE "users" ADD "manager_id" bigint;
ALTER TABLE "users" ADD CONSTRAINT "fk_rails_cc166f32f0" FOREIGN KEY ("manager_id") REFERENCES "users" ("id") NOT VALID;
ALTER TABLE "users" ADD "subject_type" character varying;
ALTER TABLE "users" ADD "subject_id" bigint;
CREATE INDEX "index_users_on_subject" ON "users" ("subject_type", "subject_id");
ALTER TABLE "users" DROP CONSTRAINT "fk_rails_61ac11da2b";
ALTER TABLE "users" DROP COLUMN "account_id"`,
		},
		{
			name:   "foreign keys: add with validate: false, validate, remove by table",
			before: []string{createUsers},
			src: class("7.1", `add_foreign_key :users, :people, column: :owner_id, on_delete: :cascade, validate: false
validate_foreign_key :users, :people, column: :owner_id
add_foreign_key :users, :users, column: :referrer_id, name: "users_referrer_fk"
remove_foreign_key :users, :accounts
remove_foreign_key :users, name: "users_referrer_fk"
`),
			sql: `ALTER TABLE "users" ADD CONSTRAINT "fk_rails_3b42a03d2f" FOREIGN KEY ("owner_id") REFERENCES "people" ("id") ON DELETE CASCADE NOT VALID;
ALTER TABLE "users" VALIDATE CONSTRAINT "fk_rails_3b42a03d2f";
ALTER TABLE "users" ADD CONSTRAINT "users_referrer_fk" FOREIGN KEY ("referrer_id") REFERENCES "users" ("id");
ALTER TABLE "users" DROP CONSTRAINT "fk_rails_61ac11da2b";
ALTER TABLE "users" DROP CONSTRAINT "users_referrer_fk"`,
		},
		{
			name:   "check constraints",
			before: []string{createUsers},
			src: class("7.1", `add_check_constraint :users, "char_length(name) <= 100", validate: false
validate_check_constraint :users, "char_length(name) <= 100"
add_check_constraint :users, "email IS NOT NULL", name: "users_email_not_null", validate: false
validate_check_constraint :users, name: "users_email_not_null"
remove_check_constraint :users, name: "users_email_not_null"
remove_check_constraint :users, "char_length(name) <= 100"
`),
			sql: `ALTER TABLE "users" ADD CONSTRAINT chk_rails_097139725c CHECK (char_length(name) <= 100) NOT VALID;
ALTER TABLE "users" VALIDATE CONSTRAINT "chk_rails_097139725c";
ALTER TABLE "users" ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_not_null";
ALTER TABLE "users" DROP CONSTRAINT "users_email_not_null";
ALTER TABLE "users" DROP CONSTRAINT "chk_rails_097139725c"`,
		},
		{
			name:   "rename_table renames the primary key, its sequence and default-named indexes",
			before: []string{createUsers},
			src:    class("7.1", "rename_table :users, :people\n"),
			sql: `ALTER TABLE "users" RENAME TO "people";
ALTER INDEX "users_pkey" RENAME TO "people_pkey";
ALTER TABLE "public"."users_id_seq" RENAME TO "people_id_seq";
ALTER INDEX "index_users_on_account_id" RENAME TO "index_people_on_account_id";
ALTER INDEX "index_users_on_account_id_and_name" RENAME TO "index_people_on_account_id_and_name"`,
		},
		{
			name:   "drop_table",
			before: []string{createUsers},
			src:    class("7.1", "drop_table :users, if_exists: true\ndrop_table :accounts, force: :cascade\ndrop_table :a, :b\n"),
			sql:    `DROP TABLE IF EXISTS "users"; DROP TABLE "accounts" CASCADE; DROP TABLE "a", "b"`,
		},
		{
			name:   "change_table runs each call as its own statement",
			before: []string{createUsers},
			src: class("7.1", `change_table :users do |t|
  t.remove :name
  t.rename :email, :login
  t.change :login, :text
  t.column :age, :integer, null: false, default: 18
  t.boolean :admin, default: false, index: true
  t.references :team
  t.index :age
  t.remove_index :account_id
  t.timestamps null: true
end
`),
			sql: `ALTER TABLE "users" DROP COLUMN "name";
ALTER TABLE "users" RENAME COLUMN "email" TO "login";
ALTER TABLE "users" ALTER COLUMN "login" TYPE text;
ALTER TABLE "users" ADD "age" integer DEFAULT 18 NOT NULL;
ALTER TABLE "users" ADD "admin" boolean DEFAULT FALSE;
CREATE INDEX "index_users_on_admin" ON "users" ("admin");
ALTER TABLE "users" ADD "team_id" bigint;
CREATE INDEX "index_users_on_team_id" ON "users" ("team_id");
CREATE INDEX "index_users_on_age" ON "users" ("age");
DROP INDEX "index_users_on_account_id";
ALTER TABLE "users" ADD "created_at" timestamp(6), ADD "updated_at" timestamp(6)`,
		},
		{
			name:   "change_table bulk: true joins the column changes into one ALTER TABLE",
			before: []string{createUsers},
			src: class("7.1", `change_table :users, bulk: true do |t|
  t.string :city
  t.remove :name
  t.change_default :email, "none"
  t.index :city
  t.integer :zip
end
`),
			sql: `ALTER TABLE "users" ADD "city" character varying, DROP COLUMN "name", ALTER COLUMN "email" SET DEFAULT 'none';
CREATE INDEX "index_users_on_city" ON "users" ("city");
ALTER TABLE "users" ADD "zip" integer`,
		},
		{
			// The default name has 68 bytes: Rails 7.1 shortens and hashes it.
			name: "create_join_table",
			src: class("7.1", `create_join_table :music_artists, :music_records do |t|
  t.index [:music_artist_id, :music_record_id]
end
`),
			sql: `CREATE TABLE "music_artists_records" ("music_artist_id" bigint NOT NULL, "music_record_id" bigint NOT NULL);
CREATE INDEX "idx_on_music_artist_id_music_record_id_a0627184da" ON "music_artists_records" ("music_artist_id", "music_record_id")`,
		},
		{
			name:   "add_timestamps",
			before: []string{createUsers},
			src:    class("7.1", "add_timestamps :accounts, default: -> { \"CURRENT_TIMESTAMP\" }\n"),
			sql:    `ALTER TABLE "accounts" ADD "created_at" timestamp(6) DEFAULT CURRENT_TIMESTAMP NOT NULL, ADD "updated_at" timestamp(6) DEFAULT CURRENT_TIMESTAMP NOT NULL`,
		},
		{
			name: "extensions, enums and schemas",
			src: class("7.1", `enable_extension "citext"
disable_extension "hstore"
create_enum :mood, ["happy", "sad"]
add_enum_value :mood, "neutral", if_not_exists: true
rename_enum_value :mood, from: "sad", to: "blue"
create_schema :archive
`),
			sql: `CREATE EXTENSION IF NOT EXISTS "citext";
DROP EXTENSION IF EXISTS "hstore";
CREATE TYPE "mood" AS ENUM ('happy', 'sad');
ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'neutral';
ALTER TYPE "mood" RENAME VALUE 'sad' TO 'blue';
CREATE SCHEMA "archive"`,
		},
		{
			name:   "execute with a string, a heredoc and the connection",
			before: []string{createUsers},
			src: class("7.1", `execute "UPDATE users SET name = 'x' WHERE name IS NULL"
execute <<~SQL
  CREATE INDEX users_lower_name ON users (lower(name));
  ALTER TABLE users ALTER COLUMN name SET NOT NULL;
SQL
connection.execute("ANALYZE users")
ActiveRecord::Base.connection.execute <<-SQL.squish
  ALTER TABLE users DROP COLUMN name
SQL
`),
			sql: `UPDATE users SET name = 'x' WHERE name IS NULL;
CREATE INDEX users_lower_name ON users (lower(name));
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ANALYZE users;
ALTER TABLE users DROP COLUMN name`,
		},
		{
			name:   "reversible and up_only run their up part",
			before: []string{createUsers},
			src: class("7.1", `reversible do |dir|
  dir.up { execute "UPDATE users SET name = email" }
  dir.down { execute "UPDATE users SET name = NULL" }
end
change_table :users do |t|
  reversible do |dir|
    dir.up { t.change :name, :text }
    dir.down { t.change :name, :string }
  end
end
up_only { change_column_null :users, :name, false }
`),
			sql: `UPDATE users SET name = email;
ALTER TABLE "users" ALTER COLUMN "name" TYPE text;
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL`,
		},
		{
			name:   "up runs, down does not; change wins over up",
			before: []string{createUsers},
			src: `class UpDown < ActiveRecord::Migration[7.1]
  def up
    remove_column :users, :name
  end

  def down
    add_column :users, :name, :string
  end
end
`,
			sql: `ALTER TABLE "users" DROP COLUMN "name"`,
		},
		{
			name:   "disable_ddl_transaction! and a transaction block",
			before: []string{createUsers},
			src: `class Backfill < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def up
    add_index :users, :name, algorithm: :concurrently
    transaction do
      execute "UPDATE users SET name = '' WHERE name IS NULL"
    end
  end
end
`,
			notx: true,
			sql: `CREATE INDEX CONCURRENTLY "index_users_on_name" ON "users" ("name");
BEGIN; UPDATE users SET name = '' WHERE name IS NULL; COMMIT`,
		},
		{
			name:   "helper methods, constants, loops and guards",
			before: []string{createUsers},
			src: `class Helpers < ActiveRecord::Migration[7.1]
  TABLE = :users
  COLUMNS = %i[street city].freeze

  def change
    COLUMNS.each do |col|
      add_column TABLE, col, :string
    end
    { zip: :string, floor: :integer }.each do |name, type|
      add_column TABLE, name, type
    end
    add_flag(:vip)
    add_index TABLE, :city unless index_exists?(TABLE, :city)
    remove_column TABLE, :name if column_exists?(TABLE, :name)
    remove_column TABLE, :nickname if column_exists?(TABLE, :nickname)
  end

  private

  def add_flag(name, default: false)
    add_column TABLE, "#{name}_flag", :boolean, default: default
  end
end
`,
			sql: `ALTER TABLE "users" ADD "street" character varying;
ALTER TABLE "users" ADD "city" character varying;
ALTER TABLE "users" ADD "zip" character varying;
ALTER TABLE "users" ADD "floor" integer;
ALTER TABLE "users" ADD "vip_flag" boolean DEFAULT FALSE;
CREATE INDEX "index_users_on_city" ON "users" ("city");
ALTER TABLE "users" DROP COLUMN "name"`,
		},
		{
			name:   "Rails 7.1 unique and exclusion constraints",
			before: []string{createUsers},
			src: class("7.1", `add_unique_constraint :users, [:email], deferrable: :immediate
add_unique_constraint :users, using_index: "by_email"
add_exclusion_constraint :bookings, "room_id WITH =, tsrange(starts_at, ends_at) WITH &&", using: :gist, where: "cancelled = false"
remove_unique_constraint :users, [:email]
remove_exclusion_constraint :bookings, name: "no_overlap"
`),
			sql: `ALTER TABLE "users" ADD CONSTRAINT "uniq_rails_7b1861472b" UNIQUE ("email") DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE "users" ADD CONSTRAINT "uniq_rails_2119220c0b" UNIQUE USING INDEX "by_email";
ALTER TABLE "bookings" ADD CONSTRAINT "excl_rails_da182020c3" EXCLUDE USING gist (room_id WITH =, tsrange(starts_at, ends_at) WITH &&) WHERE (cancelled = false);
ALTER TABLE "users" DROP CONSTRAINT "uniq_rails_7b1861472b";
ALTER TABLE "bookings" DROP CONSTRAINT "no_overlap"`,
		},
		{
			name:   "GitLab's concurrent helpers",
			before: []string{createUsers},
			src: `class AddCityIndexToUsers < Gitlab::Database::Migration[2.1]
  disable_ddl_transaction!

  INDEX_NAME = "index_users_on_city"

  def up
    add_concurrent_index :users, :city, name: INDEX_NAME
    add_concurrent_foreign_key :users, :accounts, column: :account_id, on_delete: :cascade
    remove_concurrent_index_by_name :users, "by_email"
    remove_concurrent_index :users, [:account_id, :name]
  end

  def down
    remove_concurrent_index_by_name :users, INDEX_NAME
  end
end
`,
			notx: true,
			sql: `CREATE INDEX CONCURRENTLY "index_users_on_city" ON "users" ("city");
ALTER TABLE users ADD CONSTRAINT fk_61ac11da2b FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT fk_61ac11da2b;
DROP INDEX CONCURRENTLY "by_email";
DROP INDEX CONCURRENTLY "index_users_on_account_id_and_name"`,
		},
		{
			name:   "change_table bulk: true records its t.* calls and runs other calls at once",
			before: []string{createUsers},
			src: class("7.1", `@table = :users
change_table @table, bulk: true do |t|
  t.string :a
  add_index @table, :email, name: "users_email_again"
  t.string :b, comment: "second"
  t.rename :name, :full_name
end
`),
			sql: `CREATE INDEX "users_email_again" ON "users" ("email");
ALTER TABLE "users" ADD "a" character varying, ADD "b" character varying;
COMMENT ON COLUMN "users"."b" IS 'second';
ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";
ALTER INDEX "index_users_on_account_id_and_name" RENAME TO "index_users_on_account_id_and_full_name"`,
		},
	})
}
