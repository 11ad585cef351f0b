class Payment < ApplicationRecord
  validates :amount, presence: true, if: :captured?
  validates :memo, length: { maximum: 140 }
end
