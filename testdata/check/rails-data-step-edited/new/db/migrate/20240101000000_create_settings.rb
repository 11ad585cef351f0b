class CreateSettings < ActiveRecord::Migration[7.1]
  def up
    create_table :settings do |t|
      t.string :name, limit: 30, default: "", null: false
      t.text :value
    end
    Setting.create!(name: 'text_formatting', value: Setting.text_formatting, updated_on: Time.now.utc)
  end

  def down
    drop_table :settings
  end
end
