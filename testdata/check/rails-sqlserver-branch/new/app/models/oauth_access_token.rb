class OauthAccessToken < ApplicationRecord
end
