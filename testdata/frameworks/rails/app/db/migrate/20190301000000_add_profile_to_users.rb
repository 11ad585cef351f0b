class AddProfileToUsers < ActiveRecord::Migration[5.1]
  def up
    add_column :users, :bio, :text
    add_column :users, :tags, :string, array: true, default: []
    change_column :users, :email, :string, limit: 320, null: false, default: ""
    change_column_default :users, :admin, from: false, to: true
  end

  def down
    remove_column :users, :tags
    remove_column :users, :bio
  end
end
