class Staff < ApplicationRecord
end

class Cactus < ApplicationRecord
end

class OAuthAccessToken < ApplicationRecord
end
