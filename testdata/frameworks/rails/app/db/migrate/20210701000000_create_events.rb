class CreateEvents < ActiveRecord::Migration[6.1]
  def change
    enable_extension "pgcrypto"

    create_table :events, id: :uuid do |t|
      t.belongs_to :user, null: false, foreign_key: true
      t.string :name
      t.datetime :occurred_at, precision: 6
      t.check_constraint "char_length(name) > 0", name: "name_present"
      t.timestamps
    end

    reversible do |dir|
      dir.up do
        execute "ALTER TABLE events ALTER COLUMN name SET DEFAULT 'event'"
      end
      dir.down do
        execute "ALTER TABLE events ALTER COLUMN name DROP DEFAULT"
      end
    end

    create_table :event_stats, id: false, primary_key: [:event_id, :day] do |t|
      t.uuid :event_id, null: false
      t.date :day, null: false
      t.bigint :hits, default: 0, null: false
    end
  end
end
