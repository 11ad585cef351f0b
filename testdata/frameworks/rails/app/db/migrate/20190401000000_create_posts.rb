class CreatePosts < ActiveRecord::Migration[5.2]
  def change
    create_table :tags do |t|
      t.string :name, null: false
      t.index :name, unique: true
    end

    create_table :posts do |t|
      t.references :user, foreign_key: true
      t.string :title
      t.text :body
      t.jsonb :metadata, default: {}
      t.integer :status, default: 0, null: false
      t.timestamps
      t.index [:user_id, :created_at]
    end

    create_join_table :posts, :tags do |t|
      t.index [:post_id, :tag_id], unique: true
    end
  end
end
