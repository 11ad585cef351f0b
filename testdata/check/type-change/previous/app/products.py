import psycopg2

LOW_STOCK = """
    SELECT p.sku, p.stock
    FROM products p
    WHERE p.stock < %s
"""


def low_stock(conn, limit):
    with conn.cursor() as cur:
        cur.execute(LOW_STOCK, (limit,))
        return cur.fetchall()
