class User < ApplicationRecord
  self.ignored_columns += ["karma"]
end
