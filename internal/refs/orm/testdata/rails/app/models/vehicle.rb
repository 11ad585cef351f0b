class Vehicle < ApplicationRecord
  self.ignored_columns = ["vin_legacy"]
end

class Car < Vehicle
end

class Truck < Vehicle
  self.ignored_columns += ["payload_lbs"]
end

class Trailer < Vehicle
  self.ignored_columns = %w[hitch_type]
end
