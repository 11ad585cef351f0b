class CreateLegacyEvents < ActiveRecord::Migration[7.1]
  def change
    create_table :legacy_events do |t|
      t.string :kind
    end
  end
end
