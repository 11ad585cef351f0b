LEGACY = "SELECT l.code FROM legacy_codes l WHERE l.code = %s"


def find(conn, code):
    with conn.cursor() as cur:
        cur.execute(LEGACY, (code,))
        return cur.fetchall()
