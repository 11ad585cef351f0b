class CreateImports < ActiveRecord::Migration[7.1]
  def change
    create_table :imports, force: :cascade do |t|
      t.string :name, null: false
      t.text :raw_csv_str
      t.timestamps
    end
  end
end
