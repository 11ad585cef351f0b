class RemoveKarmaFromUsers < ActiveRecord::Migration[7.1]
  def change
    remove_column :users, :nickname, :string
    remove_column :users, :karma, :integer
  end
end
