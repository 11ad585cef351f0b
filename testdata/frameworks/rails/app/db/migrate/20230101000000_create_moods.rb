class CreateMoods < ActiveRecord::Migration[7.1]
  def change
    create_enum :mood, ["happy", "sad"]
    add_enum_value :mood, "neutral"
    create_table :moods do |t|
      t.enum :current, enum_type: :mood, default: "happy", null: false
      t.references :user_with_a_very_long_reference_name_for_hashing, index: true
      t.timestamps
    end
  end
end
