class Comment < ApplicationRecord
  belongs_to :account
  belongs_to :owner, polymorphic: true
end
