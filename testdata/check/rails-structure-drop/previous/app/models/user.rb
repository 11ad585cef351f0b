# == Schema Information
#
# Table name: users
#
#  id         :bigint           not null, primary key
#  email      :string           not null
#  karma      :integer
#
class User < ApplicationRecord
  validates :email, presence: true
end
