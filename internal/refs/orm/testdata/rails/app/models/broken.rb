class Broken < ApplicationRecord
  self.ignored_columns = %w[old_col]
  def oops(
end

class Survivor < ApplicationRecord
  self.ignored_columns = %w[gone]
end
