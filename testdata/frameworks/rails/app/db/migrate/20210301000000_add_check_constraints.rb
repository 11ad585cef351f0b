class AddCheckConstraints < ActiveRecord::Migration[6.1]
  def change
    add_check_constraint :posts, "char_length(title) <= 200", name: "title_length", validate: false
    validate_check_constraint :posts, name: "title_length"
    add_check_constraint :accounts, "seats > 0"
    remove_check_constraint :accounts, "seats > 0"
    add_check_constraint :users, "email IS NOT NULL", name: "users_email_null", validate: false
  end
end
