class RemoveStuff < ActiveRecord::Migration[6.1]
  def up
    remove_index :posts, column: [:user_id, :created_at]
    remove_index :accounts, :name
    remove_foreign_key :users, :accounts
    remove_reference :comments, :post, foreign_key: true, index: true
    remove_columns :users, :about, :language
    change_column_null :accounts, :plan, true
    change_column_null :users, :email, false, "unknown@example.com"
    change_column_comment :users, :email, "login"
    change_table_comment :users, "people who sign in"
    drop_join_table :posts, :labels, table_name: :posts_tags
  end

  def down
    raise ActiveRecord::IrreversibleMigration
  end
end
