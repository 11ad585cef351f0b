module SoftDeletable
  extend ActiveSupport::Concern

  included do
    self.ignored_columns += %w[deleted_by]
    scope :kept, -> { where(deleted_at: nil) }
  end
end
