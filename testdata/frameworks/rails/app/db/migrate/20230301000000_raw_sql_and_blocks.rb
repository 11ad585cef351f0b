class RawSqlAndBlocks < ActiveRecord::Migration[6.1]
  disable_ddl_transaction!

  def up
    add_index :users, :status, algorithm: :concurrently
    remove_index :users, :status, algorithm: :concurrently
    say_with_time "counting users" do
      select_value("SELECT count(*) FROM users")
    end
    exec_query("SELECT id FROM users WHERE status IS NULL")
    exec_update("UPDATE users SET status = 'active' WHERE status IS NULL")
    suppress_messages do
      select_all("SELECT * FROM accounts")
      select_one("SELECT name FROM accounts LIMIT 1")
      select_values("SELECT name FROM accounts")
      select_rows("SELECT id, name FROM accounts")
    end
    exec_insert("INSERT INTO accounts (name, plan, created_at, updated_at) VALUES ('spare', 'free', now(), now())")
    exec_delete("DELETE FROM accounts WHERE name = 'spare'")
    up_only { execute "UPDATE users SET status = lower(status)" }
    transaction do
      add_column :users, :nickname, :string
      change_column_null :users, :nickname, false, "anon"
    end
  end

  def down
    remove_column :users, :nickname
  end
end
