class AddPostToComments < ActiveRecord::Migration[6.1]
  def change
    add_reference :comments, :post, foreign_key: { validate: false }
    validate_foreign_key :comments, :posts
    add_belongs_to :posts, :editor, foreign_key: { to_table: :users }, index: false
  end
end
