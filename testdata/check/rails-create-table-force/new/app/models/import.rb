class Import < ApplicationRecord
  validates :name, presence: true
end
