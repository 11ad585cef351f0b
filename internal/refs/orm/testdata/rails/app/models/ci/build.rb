# frozen_string_literal: true

module Ci
  class Build < Ci::ApplicationRecord
    ignore_columns :token_encrypted_old, remove_with: '17.0', remove_after: '2024-04-22'
  end
end
