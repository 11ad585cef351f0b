class CreateUsers < ActiveRecord::Migration[7.1]
  def change
    create_table :users do |t|
      t.string :username, null: false
      t.string :legacy_title
      t.string :legacy_badge
      t.timestamps
    end
  end
end
