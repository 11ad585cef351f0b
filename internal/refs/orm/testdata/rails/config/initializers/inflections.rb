# Be sure to restart your server when you modify this file.

ActiveSupport::Inflector.inflections(:en) do |inflect|
  inflect.uncountable %w( staff )
  inflect.irregular "cactus", "cacti"
  inflect.acronym "OAuth"
  inflect.plural(/^(ox)$/i, '\1en')
  inflect.singular /(?<=x)ies$/i, "y"
end
