class CreateAccounts < ActiveRecord::Migration[5.0]
  def change
    create_table :accounts do |t|
      t.string :name, null: false
      t.string :plan, default: "free", null: false
      t.integer :seats, default: 1
      t.float :discount, default: 0
      t.timestamps
    end
    add_index :accounts, :name, unique: true
  end
end
