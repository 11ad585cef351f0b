# Runs Rails migrations for real with the packaged ActiveRecord and prints,
# for each, the SQL it sent (one JSON object per line), for the
# differential test. The connection settings come as JSON in
# SCHEMAGATE_AR_CONFIG; the migration files are the arguments, in order.
#
# Migration[x.y] newer than the packaged ActiveRecord knows is run as the
# newest version it knows; the test lists the differences that follow.
require "json"
require "active_record"

config = JSON.parse(ENV.fetch("SCHEMAGATE_AR_CONFIG"))
ActiveRecord::Base.establish_connection(config.merge("adapter" => "postgresql"))
ActiveRecord::Base.logger = nil
ActiveRecord::Migration.verbose = false

# strong_migrations' safety_assured, which these migrations use.
class ActiveRecord::Migration
  def safety_assured
    yield
  end
end

known = ActiveRecord::Migration::Compatibility.constants.grep(/\AV\d+_\d+\z/).map { |c| c.to_s.delete("V").tr("_", ".") }
known << ActiveRecord::Migration.current_version.to_s
newest = known.max_by { |v| Gem::Version.new(v) }

# BEGIN and COMMIT are the migration's own only in a migration without
# the DDL transaction (a transaction block); otherwise they are the
# runner's.
captured = nil
own_transactions = false
ActiveSupport::Notifications.subscribe("sql.active_record") do |*, payload|
  next unless captured
  next if payload[:name] == "SCHEMA"
  next if payload[:name] == "TRANSACTION" && !own_transactions
  captured << { "name" => payload[:name].to_s, "sql" => payload[:sql] }
end

ARGV.each do |path|
  version, name = File.basename(path, ".rb").split("_", 2)
  src = File.read(path).gsub(/ActiveRecord::Migration\[(\d+\.\d+)\]/) do
    Gem::Version.new($1) > Gem::Version.new(newest) ? "ActiveRecord::Migration[#{newest}]" : $&
  end
  holder = Module.new
  holder.module_eval(src, path)
  klass = holder.const_get(name.camelize)
  migration = klass.new(name, version.to_i)
  captured = []
  own_transactions = klass.disable_ddl_transaction
  begin
    if klass.disable_ddl_transaction
      migration.migrate(:up)
    else
      ActiveRecord::Base.transaction { migration.migrate(:up) }
    end
    puts JSON.generate("path" => path, "statements" => captured)
  rescue StandardError => e
    puts JSON.generate("path" => path, "error" => "#{e.class}: #{e.message.lines.first.to_s.strip}")
    exit 1
  ensure
    captured = nil
  end
end
