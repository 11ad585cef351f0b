# frozen_string_literal: true

class Project < ApplicationRecord
  include IgnorableColumns

  ignore_column :mirror_last_update_at, remove_with: '14.3', remove_after: '2021-09-22'
  ignore_columns %i[emails_disabled build_coverage_regex], remove_with: '16.0', remove_after: '2023-05-22'
  ignore_columns :pages_https_only, :issues_template, remove_with: '16.1', remove_after: '2023-06-22'

  self.ignored_columns += %i[container_registry_enabled]
  self.ignored_columns += ["import_url_legacy"]

  belongs_to :namespace
end
