package rails

import "testing"

// widgets is one migration body whose SQL depends on Migration[x.y].
const widgets = `create_table :widgets do |t|
  t.references :owner, polymorphic: true
  t.datetime :seen_at
  t.timestamps
end
add_column :widgets, :archived_at, :datetime
add_reference :widgets, :user
change_column :widgets, :seen_at, :datetime, null: false, default: -> { "now()" }
`

// TestMigrationVersionDefaults checks the defaults Migration[x.y]
// changes: integer keys before 5.1, reference indexes from 5.0,
// nullable timestamps before 5.0, change_column split up to 5.1,
// timestamp precision from 6.0, polymorphic index names from 6.1,
// datetime precision from 7.0.
func TestMigrationVersionDefaults(t *testing.T) {
	split := func(typ string) string {
		return `ALTER TABLE "widgets" ALTER COLUMN "seen_at" TYPE ` + typ + `;
ALTER TABLE "widgets" ALTER COLUMN "seen_at" SET DEFAULT now();
UPDATE "widgets" SET "seen_at"=now() WHERE "seen_at" IS NULL;
ALTER TABLE "widgets" ALTER COLUMN "seen_at" SET NOT NULL`
	}
	joined := func(typ string) string {
		return `ALTER TABLE "widgets" ALTER COLUMN "seen_at" TYPE ` + typ + `, ALTER COLUMN "seen_at" SET DEFAULT now(), ALTER COLUMN "seen_at" SET NOT NULL`
	}
	runSQLCases(t, []sqlCase{
		{
			name: "4.2",
			src:  class("4.2", widgets),
			sql: `CREATE TABLE "widgets" ("id" serial NOT NULL PRIMARY KEY, "owner_type" character varying, "owner_id" integer,
  "seen_at" timestamp, "created_at" timestamp, "updated_at" timestamp);
ALTER TABLE "widgets" ADD "archived_at" timestamp;
ALTER TABLE "widgets" ADD "user_id" integer;
` + split("timestamp"),
		},
		{
			name: "5.0",
			src:  class("5.0", widgets),
			sql: `CREATE TABLE "widgets" ("id" serial NOT NULL PRIMARY KEY, "owner_type" character varying, "owner_id" integer,
  "seen_at" timestamp, "created_at" timestamp NOT NULL, "updated_at" timestamp NOT NULL);
CREATE INDEX "index_widgets_on_owner_type_and_owner_id" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp;
ALTER TABLE "widgets" ADD "user_id" integer;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + split("timestamp"),
		},
		{
			name: "5.1",
			src:  class("5.1", widgets),
			sql: `CREATE TABLE "widgets" ("id" bigserial primary key, "owner_type" character varying, "owner_id" bigint,
  "seen_at" timestamp, "created_at" timestamp NOT NULL, "updated_at" timestamp NOT NULL);
CREATE INDEX "index_widgets_on_owner_type_and_owner_id" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp;
ALTER TABLE "widgets" ADD "user_id" bigint;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + split("timestamp"),
		},
		{
			name: "5.2",
			src:  class("5.2", widgets),
			sql: `CREATE TABLE "widgets" ("id" bigserial primary key, "owner_type" character varying, "owner_id" bigint,
  "seen_at" timestamp, "created_at" timestamp NOT NULL, "updated_at" timestamp NOT NULL);
CREATE INDEX "index_widgets_on_owner_type_and_owner_id" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp;
ALTER TABLE "widgets" ADD "user_id" bigint;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + joined("timestamp"),
		},
		{
			name: "6.0",
			src:  class("6.0", widgets),
			sql: `CREATE TABLE "widgets" ("id" bigserial primary key, "owner_type" character varying, "owner_id" bigint,
  "seen_at" timestamp, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
CREATE INDEX "index_widgets_on_owner_type_and_owner_id" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp;
ALTER TABLE "widgets" ADD "user_id" bigint;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + joined("timestamp"),
		},
		{
			name: "6.1",
			src:  class("6.1", widgets),
			sql: `CREATE TABLE "widgets" ("id" bigserial primary key, "owner_type" character varying, "owner_id" bigint,
  "seen_at" timestamp, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
CREATE INDEX "index_widgets_on_owner" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp;
ALTER TABLE "widgets" ADD "user_id" bigint;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + joined("timestamp"),
		},
		{
			name: "7.0",
			src:  class("7.0", widgets),
			sql: `CREATE TABLE "widgets" ("id" bigserial primary key, "owner_type" character varying, "owner_id" bigint,
  "seen_at" timestamp(6), "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
CREATE INDEX "index_widgets_on_owner" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp(6);
ALTER TABLE "widgets" ADD "user_id" bigint;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + joined("timestamp(6)"),
		},
		{
			name: "8.0",
			src:  class("8.0", widgets),
			sql: `CREATE TABLE "widgets" ("id" bigserial primary key, "owner_type" character varying, "owner_id" bigint,
  "seen_at" timestamp(6), "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
CREATE INDEX "index_widgets_on_owner" ON "widgets" ("owner_type", "owner_id");
ALTER TABLE "widgets" ADD "archived_at" timestamp(6);
ALTER TABLE "widgets" ADD "user_id" bigint;
CREATE INDEX "index_widgets_on_user_id" ON "widgets" ("user_id");
` + joined("timestamp(6)"),
		},
		{
			name: "5.0 uuid and integer primary keys",
			src: class("5.0", `create_table :tokens, id: :uuid do |t|
end
create_table :legacy, id: :integer do |t|
end
`),
			sql: `CREATE TABLE "tokens" ("id" uuid DEFAULT uuid_generate_v4() NOT NULL PRIMARY KEY);
CREATE TABLE "legacy" ("id" integer NOT NULL PRIMARY KEY)`,
		},
	})
}
