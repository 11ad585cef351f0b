class BulkChangePosts < ActiveRecord::Migration[6.0]
  def change
    change_table :posts, bulk: true do |t|
      t.string :slug
      t.boolean :published, default: false, null: false
      add_index :posts, :title, name: "posts_by_title"
      t.remove :status
      t.change_null :title, false
      t.index :slug, unique: true
      t.column :word_count, :integer, limit: 8, comment: "words in body"
    end
  end
end
