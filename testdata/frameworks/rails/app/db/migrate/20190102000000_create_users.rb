class CreateUsers < ActiveRecord::Migration[5.0]
  def change
    create_table :users do |t|
      t.references :account
      t.string :email, limit: 255
      t.boolean :admin, default: false
      t.datetime :last_sign_in_at
      t.decimal :balance, precision: 10, scale: 2, default: 0
      t.integer :sign_in_count, limit: 2, default: 0, null: false
      t.timestamps null: true
    end
    add_foreign_key :users, :accounts
  end
end
