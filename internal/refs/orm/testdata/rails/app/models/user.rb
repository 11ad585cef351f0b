# frozen_string_literal: true

# == Schema Information
#
# Table name: users
#
#  id                 :bigint           not null, primary key
#  email              :string           not null
#  legacy_token       :string
#  full_name          :string
#  created_at         :datetime         not null
#
class User < ApplicationRecord
  self.ignored_columns = %w[legacy_token avatar_url]

  attribute :password_confirmation, :string

  has_many :orders, dependent: :destroy
  has_one :profile

  validates :email, presence: true, uniqueness: true

  scope :active, -> { where(active: true) }

  # full_name is also a column; this method is not a reference.
  def full_name
    [first_name, last_name].compact.join(" ")
  end

  def legacy_token
    nil
  end
end
