# frozen_string_literal: true

require "migration/column_dropper"

class DropLegacyUserColumns < ActiveRecord::Migration[7.1]
  DROPPED_COLUMNS = { users: %i[legacy_title legacy_badge] }

  def up
    DROPPED_COLUMNS.each do |table, columns|
      Migration::ColumnDropper.execute_drop(table, columns)
    end
  end

  def down
    raise ActiveRecord::IrreversibleMigration
  end
end
