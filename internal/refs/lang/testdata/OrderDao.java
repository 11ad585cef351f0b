package com.example.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

public class OrderDao {
    private static final String FIND_BY_CUSTOMER =
        "SELECT id, total, status " +
        "FROM orders " +
        "WHERE customer_id = ?";

    private static final String MONTHLY = """
        SELECT date_trunc('month', created_at) AS month, sum(total)
          FROM orders
         WHERE status <> 'cancelled' \
        GROUP BY 1
        """;

    private final Connection conn;

    public OrderDao(Connection conn) {
        this.conn = conn;
    }

    public void cancel(long id) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE orders SET status = 'cancelled'\tWHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    public String archiveSql(String table) {
        return String.format("INSERT INTO %s_archive SELECT * FROM %s WHERE status = '%s'", table, table, "done");
    }

    public String purgeSql() {
        return """
            DELETE FROM order_events WHERE note = 'caf\u00e9'""";
    }

    public String message() {
        return "Select an order from the list.";
    }
}
