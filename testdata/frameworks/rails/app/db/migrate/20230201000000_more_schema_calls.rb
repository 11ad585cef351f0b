class MoreSchemaCalls < ActiveRecord::Migration[6.1]
  def change
    create_schema :archive
    drop_schema :archive
    enable_extension "citext"
    disable_extension "citext"

    create_table :snapshots, id: false do |t|
      t.primary_key :code, :string
      t.references :user, foreign_key: true, index: { unique: true }
      t.bigint :account_id
      t.foreign_key :accounts
      t.integer :version, default: 1, null: false
      t.timestamps
      t.index :version, name: "snapshots_by_version", where: "version > 0"
      t.check_constraint "version > 0"
    end
    create_table :user_emails, as: "SELECT id, email FROM users"

    add_column :snapshots, :note, :text, if_not_exists: true
    add_column :snapshots, :note, :text, if_not_exists: true
    remove_column :snapshots, :missing, :text, if_exists: true
    add_index :snapshots, :note, if_not_exists: true, comment: "free text"
    remove_index :snapshots, name: "nothing_here", if_exists: true
    change_column :snapshots, :version, :bigint, using: "version::bigint"

    change_table :snapshots do |t|
      t.remove_index :version
      t.rename_index "index_snapshots_on_user_id", "snapshots_by_user"
      t.remove_foreign_key :accounts
      t.remove_check_constraint "version > 0"
      t.remove_references :user, foreign_key: true
      t.remove_timestamps
      t.change_null :version, true
      t.check_constraint "version < 1000"
      t.foreign_key :accounts
      t.remove_belongs_to :account
    end
    add_check_constraint :snapshots, "version <> 13", name: "version_lucky", validate: false
    validate_constraint :snapshots, "version_lucky"
    remove_belongs_to :comments, :user, foreign_key: true
    drop_table :snapshots, force: :cascade
  end
end
