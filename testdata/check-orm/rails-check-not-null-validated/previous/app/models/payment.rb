class Payment < ApplicationRecord
  validates :amount, presence: true
  validates :memo, length: { maximum: 140 }
end
