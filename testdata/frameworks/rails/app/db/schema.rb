# This file is auto-generated from the current state of the database. Instead
# of editing this file, please use the migrations feature of Active Record to
# incrementally modify your database, and then regenerate this schema definition.
#
# This file is the source Rails uses to define your schema when running `bin/rails
# db:schema:load`. When creating a new database, `bin/rails db:schema:load` tends to
# be faster and is potentially less error prone than running all of your
# migrations from scratch. Old migrations may fail to apply correctly if those
# migrations use external dependencies or application code.
#
# It's strongly recommended that you check this file into your version control system.

ActiveRecord::Schema[7.1].define(version: 2024_03_01_120000) do
  # These are extensions that must be enabled in order to support this database
  enable_extension "pgcrypto"
  enable_extension "plpgsql"

  # Custom types defined in this database.
  # Note that some types may not work with other database engines. Be careful if changing database.
  create_enum "mood", ["happy", "sad"]

  create_table "accounts", force: :cascade do |t|
    t.string "name", null: false
    t.string "plan", default: "free", null: false
    t.integer "seats", default: 1
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["name"], name: "index_accounts_on_name", unique: true
  end

  create_table "events", id: :uuid, default: -> { "gen_random_uuid()" }, force: :cascade do |t|
    t.bigint "user_id", null: false
    t.string "name", default: "event"
    t.datetime "occurred_at"
    t.datetime "archived_at", precision: nil
    t.index ["user_id"], name: "index_events_on_user_id"
    t.check_constraint "char_length(name::text) > 0", name: "name_present"
  end

  create_table "legacy_items", id: :serial, force: :cascade do |t|
    t.text "body"
  end

  create_table "posts_labels", id: false, force: :cascade do |t|
    t.bigint "post_id", null: false
    t.bigint "label_id", null: false
    t.index ["post_id", "label_id"], name: "index_posts_labels_on_post_id_and_label_id", unique: true
  end

  create_table "users", force: :cascade do |t|
    t.bigint "account_id"
    t.string "email", limit: 320, default: "", null: false
    t.boolean "admin", default: false
    t.decimal "balance", precision: 10, scale: 2, default: "0.0"
    t.jsonb "settings", default: {}, null: false
    t.string "tags", default: [], array: true
    t.enum "mood", default: "happy", enum_type: "mood"
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index "lower((email)::text)", name: "index_users_on_lower_email", unique: true
    t.index ["account_id"], name: "users_by_account"
  end

  add_foreign_key "events", "users"
  add_foreign_key "users", "accounts", name: "users_account_fk", on_delete: :cascade
end
