class LegacyEvent < ApplicationRecord
end
