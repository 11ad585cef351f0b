class RenameThings < ActiveRecord::Migration[6.1]
  def change
    rename_column :users, :locale, :language
    rename_table :tags, :labels
    rename_index :posts, :index_posts_on_slug, :index_posts_on_unique_slug
  end
end
