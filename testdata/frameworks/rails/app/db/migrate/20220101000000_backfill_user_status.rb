class BackfillUserStatus < ActiveRecord::Migration[7.0]
  class User < ActiveRecord::Base
    self.table_name = "users"
  end

  def up
    add_column :users, :status, :string
    User.reset_column_information
    User.where(status: nil).update_all(status: "active")
  end

  def down
    remove_column :users, :status
  end
end
