class CheckPaymentAmount < ActiveRecord::Migration[7.1]
  def change
    add_check_constraint :payments, "amount IS NOT NULL", name: "payments_amount_null", validate: false
  end
end
