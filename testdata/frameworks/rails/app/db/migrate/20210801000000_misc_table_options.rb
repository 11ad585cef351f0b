class MiscTableOptions < ActiveRecord::Migration[6.1]
  def change
    create_table :audit_logs, force: :cascade, comment: "who did what" do |t|
      t.column :action, :string, null: false
      t.integer :actor_id
      t.inet :ip
      t.timestamp :logged_at
    end
    add_timestamps :labels, null: true
    remove_timestamps :labels
    drop_table :event_stats
    %i[reviewed_at archived_at].each do |col|
      add_column :posts, col, :datetime
    end
  end
end
