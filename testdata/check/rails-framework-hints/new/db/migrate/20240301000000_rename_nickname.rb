class RenameNickname < ActiveRecord::Migration[7.1]
  def change
    rename_column :users, :nickname, :handle
  end
end
