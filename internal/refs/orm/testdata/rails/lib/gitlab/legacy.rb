module Gitlab
  module Legacy
    INVOICE_COLUMNS = %i[tax_cents_old].freeze
  end
end
