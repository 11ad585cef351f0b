class AddConcurrentIndexes < ActiveRecord::Migration[6.1]
  disable_ddl_transaction!

  def change
    add_index :posts, :published, algorithm: :concurrently, where: "published"
    add_index :users, "lower(email)", unique: true, algorithm: :concurrently, name: "index_users_on_lower_email"
    add_index :comments, [:user_id, :created_at], order: { created_at: :desc }, algorithm: :concurrently
  end
end
