class AddArchivedAtToEvents < ActiveRecord::Migration[7.0]
  def change
    add_column :events, :archived_at, :datetime
    change_column :events, :occurred_at, :datetime
  end
end
