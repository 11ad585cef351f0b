class Checkout < BaseService
  def call(params)
    order = Order.create!(user_id: params[:user_id], legacy_state: nil)
    order.update(total: params[:total])
  end
end
