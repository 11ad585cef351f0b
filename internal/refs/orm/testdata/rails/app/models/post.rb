class Post < ApplicationRecord
  has_many :comments

  class Comment < ApplicationRecord
  end
end

class AnalyticsRecord < ApplicationRecord
  self.abstract_class = true

  connects_to database: { writing: :analytics, reading: :analytics }
end

class PageView < AnalyticsRecord
end

class Person < ApplicationRecord
end

class Category < ApplicationRecord
  self.table_name = table_name_for(:categories)
end
