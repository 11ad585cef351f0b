package orm

import "testing"

// Each case is what the library itself produces for the input.
func TestNamingRules(t *testing.T) {
	for _, tt := range []struct {
		rule string
		fn   func(string) string
		in   string
		want string
	}{
		{"typeorm snakeCase", typeormSnake, "UserProfile", "user_profile"},
		{"typeorm snakeCase", typeormSnake, "HTTPRequestLog", "http_request_log"},
		{"typeorm snakeCase", typeormSnake, "Order2Item", "order2_item"},
		{"typeorm camelCase", typeormCamel, "company_id", "companyId"},
		{"typeorm camelCase", typeormCamel, "Created_by_uuid", "createdByUuid"},
		{"typeorm titleCase", typeormTitle, "firstName", "Firstname"},
		{"inflection.underscore", sequelizeUnderscore, "firstName", "first_name"},
		{"inflection.underscore", sequelizeUnderscore, "CompanyId", "company_id"},
		{"inflection.underscore", sequelizeUnderscore, "HTTPCode", "h_t_t_p_code"},
		{"mikro-orm underscore", mikroUnderscore, "BookTitle", "book_title"},
		{"mikro-orm underscore", mikroUnderscore, "userID", "user_id"},
		{"spring physical", springPhysical, "firstName", "first_name"},
		{"spring physical", springPhysical, "UserProfile", "user_profile"},
		{"spring physical", springPhysical, "HTTPEndpoint", "httpendpoint"},
		{"spring physical", springPhysical, "address2Line", "address2_line"},
		{"spring physical", springPhysical, "line2Address", "line2_address"},
		{"spring physical", springPhysical, "company_id", "company_id"},
		{"spring physical", springPhysical, `"Quoted"`, "Quoted"},
		{"ent snake", entSnake, "UserProfile", "user_profile"},
		{"ent snake", entSnake, "HTTPCode", "http_code"},
		{"ent snake", entSnake, "Username", "username"},
		{"bun underscore", bunUnderscore, "UserID", "user_id"},
		{"bun underscore", bunUnderscore, "HTTPEndpoint", "http_endpoint"},
		{"bun underscore", bunUnderscore, "ItemsP", "itemsp"},
		{"bun underscore", bunUnderscore, "Legacy_Name", "legacy__name"},
		{"drizzle snake_case", drizzleSnake, "firstName", "first_name"},
		{"drizzle snake_case", drizzleSnake, "userID", "user_id"},
		{"drizzle snake_case", drizzleSnake, "HTTPServer2", "http_server2"},
		{"kysely snakeCase", qbSnake, "firstName", "first_name"},
		{"kysely snakeCase", qbSnake, "userID", "user_id"},
		{"sequelize camelize", sequelizeCamelize, "Company_code", "CompanyCode"},
	} {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.rule, tt.in, got, tt.want)
		}
	}
}
