class Import < ApplicationRecord
end
