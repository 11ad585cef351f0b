class DropLegacyTitle < ActiveRecord::Migration[7.1]
  def change
    if ENV["DROP_LEGACY_COLUMNS"]
      remove_column :users, :legacy_title, :string
    end
  end
end
