# frozen_string_literal: true

module Ci
  class Bridge < Build
    belongs_to :downstream_pipeline, class_name: "::Ci::Pipeline"
  end
end
