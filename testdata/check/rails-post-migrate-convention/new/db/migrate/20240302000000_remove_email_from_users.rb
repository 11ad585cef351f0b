class RemoveEmailFromUsers < ActiveRecord::Migration[7.1]
  def change
    safety_assured { remove_column :users, :email, :string }
  end
end
