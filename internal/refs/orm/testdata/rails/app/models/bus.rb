class Bus < Vehicle
  validates :seats, numericality: true
end
