class ExecuteSql < ActiveRecord::Migration[6.1]
  def up
    execute <<~SQL
      ALTER TABLE posts ADD COLUMN views integer DEFAULT 0 NOT NULL;
      UPDATE posts SET views = 0 WHERE views IS NULL;
    SQL
    execute "COMMENT ON TABLE posts IS 'Blog posts'"
    connection.execute("CREATE INDEX index_posts_on_views ON posts (views)")
  end

  def down
    remove_column :posts, :views
  end
end
