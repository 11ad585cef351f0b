class CreateMeetings < ActiveRecord::Migration[4.2]
  def self.up
    create_table :meetings do |t|
      t.column :project_id, :integer, :null => false
      t.column :description, :string
    end
  end
end
