class RequireCommentAccount < ActiveRecord::Migration[7.1]
  def change
    change_column_null :comments, :account_id, false
    change_column_null :comments, :owner_id, false
    change_column_null :comments, :owner_type, false
  end
end
