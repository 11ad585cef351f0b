class OauthAccessToken < ApplicationRecord
  self.ignored_columns = %w[previous_refresh_token]
end
