package lang

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// JPQL in Spring Data JPA's @Query and in @NamedQuery is not SQL; a
// native query, and Spring Data JDBC's @Query, are.
func TestJPQLIsNotSQL(t *testing.T) {
	jpa := `import org.springframework.data.jpa.repository.Query;
@NamedQuery(name = "Customer.all", query = "select c from Customer c")
interface CustomerRepository {
    @Query("select c from Customer c where c.firstName = :n")
    List<Customer> byName(String n);
    @Query(value = "SELECT * FROM customers WHERE nick = ?1", nativeQuery = true)
    List<Customer> byNick(String n);
    default String sql() { return "SELECT id FROM customers"; }
}
`
	jdbc := `import org.springframework.data.jdbc.repository.query.Query;
interface CustomerRepository {
    @Query("SELECT * FROM customers WHERE nick = :n")
    List<Customer> byNick(String n);
}
`
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"jpa", jpa, []string{"SELECT * FROM customers WHERE nick = ?1", "SELECT id FROM customers"}},
		{"jdbc", jdbc, []string{"SELECT * FROM customers WHERE nick = :n"}},
	} {
		lits, err := Literals(Java, "CustomerRepository.java", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range lits {
			got = append(got, l.Text)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: literals read as SQL (-want +got):\n%s", tt.name, diff)
		}
	}
}
