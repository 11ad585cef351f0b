class Import < ApplicationRecord
  def preview
    self.raw_csv_str.to_s.first(100)
  end
end
