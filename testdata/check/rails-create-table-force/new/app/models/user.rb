class User < ApplicationRecord
  validates :email, presence: true

  def karma_label
    "#{karma} points"
  end
end
