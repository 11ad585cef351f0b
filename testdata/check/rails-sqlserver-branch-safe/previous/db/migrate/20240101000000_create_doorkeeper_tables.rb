class CreateDoorkeeperTables < ActiveRecord::Migration[7.1]
  def change
    create_table :oauth_access_tokens do |t|
      t.string :token, null: false
      t.string :refresh_token
      t.string :previous_refresh_token, null: false, default: ""
      t.datetime :created_at, null: false
    end
    add_index :oauth_access_tokens, :token, unique: true
  end
end
