import psycopg2

ORDERS = """
    SELECT o.id, o.code, o.quantity, o.total, o.status, o.placed_at
    FROM orders o
    WHERE o.code = %s
"""

INSERT = """
    INSERT INTO orders (id, code, quantity, total, status, placed_at)
    VALUES (%s, %s, %s, %s, %s, now())
"""


def find(conn, code):
    with conn.cursor() as cur:
        cur.execute(ORDERS, (code,))
        return cur.fetchall()


def place(conn, *row):
    with conn.cursor() as cur:
        cur.execute(INSERT, row)
