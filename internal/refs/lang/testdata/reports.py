"""Raw SQL reports that the ORM cannot express."""
from django.db import connection

ACTIVE_SQL = """
    SELECT u.id, u.email
      FROM accounts_user u
     WHERE u.is_active AND u.org_id = %(org)s
"""


def active_users(org_id):
    with connection.cursor() as cur:
        cur.execute(ACTIVE_SQL, {"org": org_id})
        return cur.fetchall()


def plan_counts(cur, org_id, table="billing_plan"):
    cur.execute(
        "SELECT plan_id, count(*) "  # one row per plan
        "FROM billing_subscription "
        'WHERE org_id = %s GROUP BY plan_id',
        (org_id,),
    )
    cur.execute(f"SELECT id, name FROM {table} WHERE org_id = {org_id!r} AND name LIKE '{{a}}%'")
    cur.execute("UPDATE billing_subscription SET renewed_at = now() WHERE id = %s AND note <> '100%%'", (1,))
    cur.execute(r"DELETE FROM audit_log WHERE message ~ '\d+\n'")
    cur.execute("INSERT INTO audit_log (message) VALUES ('caf\xe9 \N{BULLET}\n')")
    cur.execute("SELECT {} FROM accounts_user WHERE id = {{1}}".format("email"))
    cur.execute("DELETE FROM sessions WHERE user_id = " + str(org_id) + " AND expired")
    cur.execute(b"SELECT id FROM raw_bytes")
    raise ValueError("Please select a plan from the list.")
