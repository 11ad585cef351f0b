module Billing
  class Invoice < ApplicationRecord
    LEGACY_COLUMNS = %w[pdf_blob].freeze

    self.ignored_columns += LEGACY_COLUMNS
    self.ignored_columns += Gitlab::Legacy::INVOICE_COLUMNS
  end
end
