class CreateImports < ActiveRecord::Migration[7.1]
  def change
    create_table :imports do |t|
      t.text :raw_csv_str
      t.string :col_sep
      t.timestamps
    end
  end
end
