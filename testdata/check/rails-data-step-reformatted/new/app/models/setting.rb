class Setting < ApplicationRecord
  validates :name, presence: true
end
