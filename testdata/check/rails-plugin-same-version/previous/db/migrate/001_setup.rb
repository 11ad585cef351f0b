class Setup < ActiveRecord::Migration[4.2]

  def self.up
    create_table "attachments", :force => true do |t|
      t.column "container_id", :integer, :default => 0, :null => false
      t.column "filename", :string, :default => "", :null => false
    end


  end
end
