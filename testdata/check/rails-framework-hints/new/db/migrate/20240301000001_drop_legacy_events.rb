class DropLegacyEvents < ActiveRecord::Migration[7.1]
  def up
    drop_table :legacy_events
  end
end
