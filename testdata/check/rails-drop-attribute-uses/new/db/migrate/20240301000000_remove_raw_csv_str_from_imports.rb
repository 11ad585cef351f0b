class RemoveRawCsvStrFromImports < ActiveRecord::Migration[7.1]
  def change
    remove_column :imports, :raw_csv_str, :text
  end
end
