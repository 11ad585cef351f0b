class Project < ApplicationRecord
  has_many :time_entry_activities
end
