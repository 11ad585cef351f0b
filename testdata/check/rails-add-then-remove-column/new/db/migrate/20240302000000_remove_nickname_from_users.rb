class RemoveNicknameFromUsers < ActiveRecord::Migration[7.1]
  def change
    remove_column :users, :nickname, :string
    rename_column :users, :handle, :screen_name
  end
end
