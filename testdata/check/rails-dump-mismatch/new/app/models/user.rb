class User < ApplicationRecord
  self.ignored_columns += %w[karma]

  validates :email, presence: true
end
