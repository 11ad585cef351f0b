class ChangeUsersTable < ActiveRecord::Migration[6.0]
  def change
    change_table :users do |t|
      t.rename :bio, :about
      t.string :locale, default: "en", null: false, index: true
      t.remove :tags
      t.change :about, :string, limit: 1000
      t.change_default :sign_in_count, from: 0, to: 1
    end
  end
end
