class RequirePaymentAmount < ActiveRecord::Migration[7.1]
  def change
    change_column_null :payments, :amount, false
  end
end
