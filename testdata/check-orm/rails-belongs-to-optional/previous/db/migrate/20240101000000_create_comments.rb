class CreateComments < ActiveRecord::Migration[7.1]
  def change
    create_table :comments do |t|
      t.bigint :account_id
      t.bigint :owner_id
      t.string :owner_type
      t.text :body
      t.timestamps
    end
  end
end
