# Not models: plain Ruby classes living in app/models.
class Money
  attr_reader :cents

  def initialize(cents)
    @cents = cents
  end
end

class InvalidTransitionError < StandardError
end

class Address < Struct.new(:street, :city)
end

class PriceFormatter < SimpleDelegator
end
