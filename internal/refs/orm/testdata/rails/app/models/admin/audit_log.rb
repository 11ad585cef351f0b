module Admin
  class AuditLog < ApplicationRecord
    belongs_to :user
  end
end

class Admin::Setting < ApplicationRecord
  self.table_name_prefix = "admin_"
end

module Reporting
  def self.table_name_prefix = "reporting_"

  class DailyStat < ApplicationRecord
  end

  class Snapshot < ApplicationRecord
    self.table_name = "analytics.snapshots"
  end
end
