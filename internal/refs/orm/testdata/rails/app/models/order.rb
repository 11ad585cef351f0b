class Order < ApplicationRecord
  self.table_name = "sales_orders"
  self.ignored_columns = [:legacy_state, "old_total"].freeze
  self.ignored_columns << "notes_html"
  self.ignored_columns += %w(coupon_code)

  belongs_to :user

  def total
    line_items.sum(&:amount)
  end
end
