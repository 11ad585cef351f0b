class TimeEntryActivity < ApplicationRecord
  belongs_to :project, optional: true
end
