package django

import (
	"fmt"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

func dump(n *sitter.Node, src []byte, depth int) {
	field := ""
	for i := 0; i < depth; i++ {
		fmt.Print("  ")
	}
	txt := n.Content(src)
	if len(txt) > 40 {
		txt = txt[:40]
	}
	fmt.Printf("%s%s [%d-%d] %q err=%v missing=%v\n", field, n.Type(), n.StartByte(), n.EndByte(), txt, n.IsError(), n.IsMissing())
	for i := 0; i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		if fn := n.FieldNameForChild(i); fn != "" {
			for j := 0; j < depth+1; j++ {
				fmt.Print("  ")
			}
			fmt.Printf("(field %s)\n", fn)
		}
		dump(c, src, depth+1)
	}
}

func TestScratch(t *testing.T) {
	src := []byte(`from django.db import migrations, models
import django.db.models.deletion

SQL = """CREATE INDEX x ON y (z);"""

class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0001_initial"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        migrations.AddField(model_name="order", name="x", field=models.CharField(max_length=10, default="a\n" 'b', null=True)),
        migrations.RunSQL(r"select 1", reverse_sql=f"x{y}"),
        *EXTRA,
        models.Q(("a__gte", -1), _negated=True),
    ]
    x = 1 +
`)
	p := sitter.NewParser()
	p.SetLanguage(python.GetLanguage())
	tree := p.Parse(nil, src)
	dump(tree.RootNode(), src, 0)
}
