package orm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInflections(t *testing.T) {
	const file = "config/initializers/inflections.rb"
	in, err := ParseInflections(file, readTestdata(t, "rails/"+file))
	if err == nil {
		t.Fatal("ParseInflections: want an error for the lookbehind rule")
	}
	if !strings.HasPrefix(err.Error(), file+":8:3: inflect.singular:") {
		t.Errorf("error = %q, want it located at %s:8:3", err, file)
	}
	got := map[string]string{}
	for _, w := range []string{"Staff", "Cactus", "OAuthAccessToken", "Ox", "Person"} {
		got[w] = in.Tableize(w)
	}
	want := map[string]string{
		"Staff":            "staff",
		"Cactus":           "cacti",
		"OAuthAccessToken": "oauth_access_tokens",
		"Ox":               "oxen",
		"Person":           "people",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tableize with app inflections (-want +got):\n%s", diff)
	}
}

func TestParseInflectionsVariants(t *testing.T) {
	src := `ActiveSupport::Inflector.inflections do |i|
  i.uncountable "feedback", :metadata
  i.irregular("criterion", "criteria")
  i.plural %r{(quiz)$}i, "\\1zes"
  i.plural "cow", "kine"
end
`
	in, err := ParseInflections("inflections.rb", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]string{"feedback": "feedback", "metadata": "metadata", "criterion": "criteria", "quiz": "quizzes", "cow": "kine"} {
		if got := in.Pluralize(word); got != want {
			t.Errorf("Pluralize(%q) = %q, want %q", word, got, want)
		}
	}
}
