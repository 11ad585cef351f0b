class ValidatePaymentAmount < ActiveRecord::Migration[7.1]
  def change
    validate_check_constraint :payments, name: "payments_amount_null"
    change_column_null :payments, :amount, false
    remove_check_constraint :payments, name: "payments_amount_null"
  end
end
