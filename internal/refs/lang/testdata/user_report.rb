# frozen_string_literal: true

# Reports over users that ActiveRecord cannot express well.
class UserReport
  STATUS_SQL = "SELECT status, count(*) FROM users GROUP BY status"

  def initialize(conn, org)
    @conn = conn
    @org = org
  end

  def active_users(since)
    @conn.exec_query(<<~SQL, "active users", [since])
      SELECT u.id, u.email, p.plan_name
        FROM users u
        JOIN plans p ON p.id = u.plan_id
       WHERE u.org_id = #{@org.id}
         AND u.last_seen_at > $1
    SQL
  end

  def archive!(ids)
    @conn.execute(<<-SQL.squish)
      UPDATE users SET archived_at = now()
      WHERE id IN (#{ids.join(",")})
      SQL
  end

  def legacy_emails
    @conn.select_values(<<SQL)
select email from legacy_users where deleted = false
SQL
  end

  def purge
    @conn.execute("DELETE FROM audit_events WHERE created_at < now() - interval '90 days'\tAND org_id = #{@org.id}")
    @conn.execute('INSERT INTO purges (org_id, table_name) VALUES (' + @org.id.to_s + ", 'audit_events')")
  end

  def counts
    sql = "SELECT plan_id, count(*) " \
          "FROM users " \
          "WHERE org_id = ? GROUP BY plan_id"
    @conn.select_rows(sanitize(sql, @org.id))
  end

  def search(term)
    User.where("email = ?", term) # an ActiveRecord fragment, not a statement
    flash[:notice] = "Select a user from the list."
    names = %q(SELECT id FROM users WHERE name = 'O''Brien' AND note = '\(x\)')
    legacy = 'SELECT id FROM users WHERE name = \'O\'\'Brien\''
    teams = %Q{SELECT id FROM teams WHERE slug = '#{term}'}
    [names, teams, legacy]
  end
end
