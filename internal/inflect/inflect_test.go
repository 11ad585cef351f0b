package inflect

import (
	"regexp"
	"testing"
)

func TestTableize(t *testing.T) {
	in := English()
	tests := []struct{ class, table string }{
		{"User", "users"},
		{"Person", "people"},
		{"SalesPerson", "sales_people"},
		{"Salesperson", "salespeople"},
		{"Child", "children"},
		{"Woman", "women"},
		{"Status", "statuses"},
		{"Category", "categories"},
		{"Policy", "policies"},
		{"Day", "days"},
		{"Mouse", "mice"},
		{"Octopus", "octopi"},
		{"Virus", "viri"},
		{"Ox", "oxen"},
		{"Equipment", "equipment"},
		{"Information", "information"},
		{"News", "news"},
		{"Series", "series"},
		{"Species", "species"},
		{"Sheep", "sheep"},
		{"Fish", "fish"},
		{"Police", "police"},
		{"Address", "addresses"},
		{"Process", "processes"},
		{"Box", "boxes"},
		{"Match", "matches"},
		{"Wish", "wishes"},
		{"Quiz", "quizzes"},
		{"Matrix", "matrices"},
		{"Vertex", "vertices"},
		{"Index", "indices"},
		{"Axis", "axes"},
		{"Analysis", "analyses"},
		{"Crisis", "crises"},
		{"Medium", "media"},
		{"Datum", "data"},
		{"Knife", "knives"},
		{"Wolf", "wolves"},
		{"Half", "halves"},
		{"Hive", "hives"},
		{"Bus", "buses"},
		{"Alias", "aliases"},
		{"Buffalo", "buffaloes"},
		{"Tomato", "tomatoes"},
		{"Photo", "photos"},
		{"Shoe", "shoes"},
		{"Movie", "movies"},
		{"Move", "moves"},
		{"Zombie", "zombies"},
		{"Database", "databases"},
		{"Cactus", "cactus"}, // Rails' /s$/ rule leaves it alone
		{"LineItem", "line_items"},
		{"UserProfile", "user_profiles"},
		{"HTMLPage", "html_pages"},
		{"APIKey", "api_keys"},
		{"OAuthAccessToken", "o_auth_access_tokens"},
		{"ProjectCiCdSetting", "project_ci_cd_settings"},
		{"Admin::User", "users"},
		{"Ci::BuildTraceChunk", "build_trace_chunks"},
		{"S3Object", "s3_objects"},
		{"Version2Record", "version2_records"},
	}
	for _, tt := range tests {
		if got := in.Tableize(tt.class); got != tt.table {
			t.Errorf("Tableize(%q) = %q, want %q", tt.class, got, tt.table)
		}
	}
}

func TestSingularize(t *testing.T) {
	in := English()
	tests := []struct{ plural, singular string }{
		{"posts", "post"},
		{"people", "person"},
		{"children", "child"},
		{"categories", "category"},
		{"statuses", "status"},
		{"news", "news"},
		{"series", "series"},
		{"databases", "database"},
		{"mice", "mouse"},
		{"analyses", "analysis"},
		{"movies", "movie"},
		{"addresses", "address"},
		{"wolves", "wolf"},
		{"knives", "knife"},
		{"buses", "bus"},
		{"octopi", "octopus"},
		{"quizzes", "quiz"},
		{"matrices", "matrix"},
		{"vertices", "vertex"},
		{"shoes", "shoe"},
		{"oxen", "ox"},
		{"data", "datum"},
		{"equipment", "equipment"},
		{"line_items", "line_item"},
	}
	for _, tt := range tests {
		if got := in.Singularize(tt.plural); got != tt.singular {
			t.Errorf("Singularize(%q) = %q, want %q", tt.plural, got, tt.singular)
		}
	}
}

func TestUnderscoreAcronyms(t *testing.T) {
	in := English()
	in.Acronym("OAuth")
	in.Acronym("RESTful")
	in.Acronym("API")
	tests := []struct{ word, want string }{
		{"OAuthToken", "oauth_token"},
		{"RESTfulController", "restful_controller"},
		{"MyAPIClient", "my_api_client"},
		{"Admin::OAuthApp", "admin/oauth_app"},
		{"APIKey", "api_key"},
		{"Apiary", "apiary"},
		{"already_snake", "already_snake"},
	}
	for _, tt := range tests {
		if got := in.Underscore(tt.word); got != tt.want {
			t.Errorf("Underscore(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestInflectionRulesAreNewestFirst(t *testing.T) {
	in := English()
	in.Plural(regexp.MustCompile(`(?i)(ox)$`), `\1es`) // overrides the default oxen rule
	in.Irregular("foot", "feet")
	in.Uncountable("deer")
	for word, want := range map[string]string{"ox": "oxes", "foot": "feet", "deer": "deer", "box": "boxes"} {
		if got := in.Pluralize(word); got != want {
			t.Errorf("Pluralize(%q) = %q, want %q", word, got, want)
		}
	}
	// An irregular removes a word from the uncountables.
	in.Irregular("sheep", "sheeps")
	if got := in.Pluralize("sheep"); got != "sheeps" {
		t.Errorf("Pluralize(sheep) after irregular = %q, want sheeps", got)
	}
}
