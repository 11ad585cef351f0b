class CreateTimeEntryActivities < ActiveRecord::Migration[6.1]
  def change
    create_table :projects do |t|
      t.string :name, null: false
    end
    create_table :time_entry_activities do |t|
      t.string :name, null: false
      t.integer :project_id
    end
  end
end
