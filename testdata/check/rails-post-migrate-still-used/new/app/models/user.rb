class User < ApplicationRecord
  def score
    karma.to_i * 2
  end
end
