class User < ActiveRecord::Base
  self.ignored_columns = %w[legacy_title legacy_badge]
end
